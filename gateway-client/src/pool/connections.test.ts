import { channelOptions, DEFAULT_CONNECTION_OPTIONS, openConnections } from './connections';

const endpoint = { name: 'peer0', address: '127.0.0.1:7051', mspId: 'Org1MSP' };

describe('connection options', () => {
  it('makes every connection a separate HTTP/2 connection with peer-safe keepalive', () => {
    const a = channelOptions(endpoint, DEFAULT_CONNECTION_OPTIONS, 0);
    const b = channelOptions(endpoint, DEFAULT_CONNECTION_OPTIONS, 1);
    expect(a['grpc.use_local_subchannel_pool']).toBe(1);
    expect(a['fabpay.connection_index']).not.toBe(b['fabpay.connection_index']);
    expect(a['grpc.keepalive_time_ms']).toBeGreaterThanOrEqual(60_000);
    expect(a['grpc.max_receive_message_length']).toBe(100 * 1024 * 1024);
    expect(a['grpc.ssl_target_name_override']).toBeUndefined();
  });

  it('refuses keepalive more frequent than the peer allows', () => {
    expect(() => channelOptions(endpoint, { ...DEFAULT_CONNECTION_OPTIONS, keepaliveMs: 30_000 }, 0)).toThrow(
      /60 s/,
    );
  });

  it('sets the TLS server name override from the profile', () => {
    const o = channelOptions(
      { ...endpoint, serverNameOverride: 'peer0.org1.example.com' },
      DEFAULT_CONNECTION_OPTIONS,
      0,
    );
    expect(o['grpc.ssl_target_name_override']).toBe('peer0.org1.example.com');
    expect(o['grpc.default_authority']).toBe('peer0.org1.example.com');
  });

  it('opens the requested number of distinct clients', () => {
    const clients = openConnections(endpoint, DEFAULT_CONNECTION_OPTIONS, 3);
    try {
      expect(new Set(clients.map((c) => c.getChannel())).size).toBe(3);
    } finally {
      for (const c of clients) c.close();
    }
  });
});
