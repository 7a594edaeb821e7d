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

  it('puts tuned defaults under the topology’s settings, and an empty value removes one', () => {
    const defaults = { orderer: {}, peer: { GOGC: '400', X: '1' }, chaincode: {} };
    const env = (peer: Record<string, string>) =>
      withNodeSettings('peer', { CORE_PEER_ID: 'p' }, { nodeEnv: { ...none, peer } }, defaults);
    expect(env({})).toEqual({ CORE_PEER_ID: 'p', GOGC: '400', X: '1' });
    expect(env({ GOGC: '100', X: '' })).toEqual({ CORE_PEER_ID: 'p', GOGC: '100' });
    expect(withNodeSettings('orderer', {}, { nodeEnv: none }, defaults)).toEqual({});
  });

  it('has peers ping a silent delivery stream no more often than the orderers accept, and well within a minute', () => {
    const seconds = (v: string | undefined): number => {
      const m = /^(\d+)s$/.exec(v ?? '');
      if (!m) throw new Error(`not a duration in seconds: ${v}`);
      return Number(m[1]);
    };
    const interval = seconds(TUNED_NODE_ENV.peer.CORE_PEER_KEEPALIVE_DELIVERYCLIENT_INTERVAL);
    const timeout = seconds(TUNED_NODE_ENV.peer.CORE_PEER_KEEPALIVE_DELIVERYCLIENT_TIMEOUT);
    const minimum = seconds(TUNED_NODE_ENV.orderer.ORDERER_GENERAL_KEEPALIVE_SERVERMININTERVAL);
    // grpc-go closes a client that pings more often than the server's minimum interval.
    expect(interval).toBeGreaterThanOrEqual(minimum);
    // Fabric's defaults (60 s + 20 s) left a dead stream unnoticed for up to a minute after a heal.
    expect(interval + timeout).toBeLessThan(60);
  });
});
