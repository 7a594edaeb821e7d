import { NodeSettingError, withNodeSettings } from './tuning';

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

  it('puts tuned defaults under the topology’s settings, and an empty value removes one', () => {
    const defaults = { orderer: {}, peer: { GOGC: '400', X: '1' }, chaincode: {} };
    const env = (peer: Record<string, string>) =>
      withNodeSettings('peer', { CORE_PEER_ID: 'p' }, { nodeEnv: { ...none, peer } }, defaults);
    expect(env({})).toEqual({ CORE_PEER_ID: 'p', GOGC: '400', X: '1' });
    expect(env({ GOGC: '100', X: '' })).toEqual({ CORE_PEER_ID: 'p', GOGC: '100' });
    expect(withNodeSettings('orderer', {}, { nodeEnv: none }, defaults)).toEqual({});
  });
});
