import './testing/quiet';
import { createServer, connect } from 'node:net';
import { configFromEnv, startServer } from './server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

describe('chaincode-as-a-service server', () => {
  test('listens on the configured address without TLS, then stops', async () => {
    const port = await freePort();
    const config = configFromEnv({
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CHAINCODE_ID: 'fabpay_1.0:0000',
    });
    expect(config.tls).toBeUndefined();
    const running = await startServer(config);
    try {
      expect(await canConnect(port)).toBe(true);
    } finally {
      await running.stop(500);
    }
    expect(await canConnect(port)).toBe(false);
  });

  test('configuration errors are explicit', () => {
    expect(() => configFromEnv({})).toThrow(/CHAINCODE_SERVER_ADDRESS and CHAINCODE_ID/);
    expect(() =>
      configFromEnv({ CHAINCODE_SERVER_ADDRESS: 'x:1', CHAINCODE_ID: 'id', CHAINCODE_TLS_KEY_FILE: '/k' }),
    ).toThrow(/both/);
    expect(() =>
      configFromEnv({
        CHAINCODE_SERVER_ADDRESS: 'x:1',
        CHAINCODE_ID: 'id',
        CHAINCODE_TLS_CLIENT_CACERT_FILE: '/c',
      }),
    ).toThrow(/needs/);
  });
});
