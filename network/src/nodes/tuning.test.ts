import { NodeSettingError, TUNED_NODE_ENV, withNodeSettings } from './tuning';

const none = { orderer: {}, peer: {}, chaincode: {} };

describe('node settings', () => {
  it('adds a kind’s settings to the generated environment and leaves other kinds alone', () => {
    const topology = { nodeEnv: { ...none, peer: { CORE_PEER_VALIDATORPOOLSIZE: '4', GOGC: '200' } } };
    const env = withNodeSettings('peer', { CORE_PEER_ID: 'peer0' }, topology);
    expect(env).toMatchObject({ CORE_PEER_ID: 'peer0', CORE_PEER_VALIDATORPOOLSIZE: '4', GOGC: '200' });
    expect(withNodeSettings('orderer', { A: '1' }, topology)).not.toHaveProperty('GOGC');
  });

  it('refuses a setting that would replace the network’s wiring, naming it', () => {
    const topology = { nodeEnv: { ...none, orderer: { ORDERER_GENERAL_LISTENPORT: '1' } } };
    expect(() => withNodeSettings('orderer', { ORDERER_GENERAL_LISTENPORT: '7050' }, topology)).toThrow(
      new NodeSettingError('orderer', 'ORDERER_GENERAL_LISTENPORT'),
    );
  });

  it('lets an empty value remove a tuned default', () => {
    for (const kind of ['orderer', 'peer', 'chaincode'] as const) {
      const removeAll = Object.fromEntries(Object.keys(TUNED_NODE_ENV[kind]).map((k) => [k, '']));
      const env = withNodeSettings(kind, {}, { nodeEnv: { ...none, [kind]: removeAll } });
      expect(env).toEqual({});
      expect(withNodeSettings(kind, {}, { nodeEnv: none })).toEqual(
        Object.fromEntries(Object.entries(TUNED_NODE_ENV[kind]).filter(([, v]) => v !== '')),
      );
    }
  });
});
