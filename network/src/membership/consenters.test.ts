import type { ChannelConfig } from '../channel/config-update';
import {
  addConsenter,
  addOrdererEndpoint,
  ConsenterConfigError,
  consentersOf,
  ordererEndpointsOf,
  removeConsenter,
  removeOrdererEndpoint,
  type Consenter,
} from './consenters';

const cert = (n: number): string => Buffer.from(`-----BEGIN CERTIFICATE-----\n${n}\n`).toString('base64');
const consenter = (port: number): Consenter => ({
  host: '127.0.0.1',
  port,
  client_tls_cert: cert(port),
  server_tls_cert: cert(port),
});

/** A decoded config as configtxlator renders a 3-orderer etcdraft channel (trimmed). */
function config(ports = [13010, 13020, 13030]): ChannelConfig {
  return {
    sequence: '3',
    channel_group: {
      groups: {
        Orderer: {
          groups: {
            OrdererMSP: {
              groups: {},
              policies: {},
              values: {
                Endpoints: {
                  mod_policy: 'Admins',
                  value: { addresses: ports.map((p) => `127.0.0.1:${p}`) },
                },
                MSP: { value: { config: {} } },
              },
            },
          },
          policies: {},
          values: {
            ConsensusType: {
              mod_policy: 'Admins',
              value: {
                metadata: {
                  consenters: ports.map(consenter),
                  options: { tick_interval: '500ms', election_tick: 10 },
                },
                state: 'STATE_NORMAL',
                type: 'etcdraft',
              },
            },
          },
        },
        Application: { groups: {}, policies: {}, values: {} },
      },
      policies: {},
      values: {},
    },
  };
}

describe('consenter set edits on a decoded config', () => {
  it('reads the consenters and the endpoints', () => {
    const c = config();
    expect(consentersOf(c).map((x) => x.port)).toEqual([13010, 13020, 13030]);
    expect(ordererEndpointsOf(c, 'OrdererMSP')).toEqual([
      '127.0.0.1:13010',
      '127.0.0.1:13020',
      '127.0.0.1:13030',
    ]);
  });

  it('adds a consenter once; a second add changes nothing', () => {
    const c = config();
    expect(addConsenter(c, consenter(13040))).toBe(true);
    expect(consentersOf(c).map((x) => x.port)).toEqual([13010, 13020, 13030, 13040]);
    expect(consentersOf(c)[3]).toEqual(consenter(13040));
    // The endpoint is a separate step (once the orderer has joined).
    expect(ordererEndpointsOf(c, 'OrdererMSP')).not.toContain('127.0.0.1:13040');
    const snapshot = JSON.stringify(c);
    expect(addConsenter(c, consenter(13040))).toBe(false);
    expect(JSON.stringify(c)).toBe(snapshot);
  });

  it('adds an OrdererEndpoint once', () => {
    const c = config();
    expect(addOrdererEndpoint(c, 'OrdererMSP', '127.0.0.1:13040')).toBe(true);
    expect(addOrdererEndpoint(c, 'OrdererMSP', '127.0.0.1:13040')).toBe(false);
    expect(ordererEndpointsOf(c, 'OrdererMSP')).toEqual([
      '127.0.0.1:13010',
      '127.0.0.1:13020',
      '127.0.0.1:13030',
      '127.0.0.1:13040',
    ]);
    expect(consentersOf(c)).toHaveLength(3);
  });

  it('refuses to replace the certificates of a consenter at the same address', () => {
    const c = config();
    const other = { ...consenter(13020), client_tls_cert: cert(1) };
    expect(() => addConsenter(c, other)).toThrow(ConsenterConfigError);
    expect(consentersOf(c)[1]).toEqual(consenter(13020));
  });

  it('removes a consenter, keeping the order of the rest and the options; a second removal changes nothing', () => {
    const c = config();
    expect(removeConsenter(c, { host: '127.0.0.1', port: 13010 })).toBe(true);
    expect(consentersOf(c).map((x) => x.port)).toEqual([13020, 13030]);
    expect(removeConsenter(c, { host: '127.0.0.1', port: 13010 })).toBe(false);
    // The edit lands in the config object itself (what updateChannelConfig encodes).
    const meta = (
      c.channel_group.groups.Orderer!.values.ConsensusType!.value as {
        metadata: { consenters: unknown[]; options: unknown };
      }
    ).metadata;
    expect(meta.consenters).toHaveLength(2);
    expect(meta.options).toEqual({ tick_interval: '500ms', election_tick: 10 });
    expect(ordererEndpointsOf(c, 'OrdererMSP')).toHaveLength(3);
  });

  it('removes an OrdererEndpoint once, never the last one', () => {
    const c = config();
    expect(removeOrdererEndpoint(c, 'OrdererMSP', '127.0.0.1:13010')).toBe(true);
    expect(removeOrdererEndpoint(c, 'OrdererMSP', '127.0.0.1:13010')).toBe(false);
    expect(ordererEndpointsOf(c, 'OrdererMSP')).toEqual(['127.0.0.1:13020', '127.0.0.1:13030']);
    const one = config([13010]);
    expect(() => removeOrdererEndpoint(one, 'OrdererMSP', '127.0.0.1:13010')).toThrow(
      /last OrdererEndpoint of OrdererMSP/,
    );
    expect(ordererEndpointsOf(one, 'OrdererMSP')).toEqual(['127.0.0.1:13010']);
  });

  it('refuses a channel that is not etcdraft, or an unknown orderer org', () => {
    const bft = config();
    (bft.channel_group.groups.Orderer!.values.ConsensusType!.value as { type: string }).type = 'BFT';
    expect(() => consentersOf(bft)).toThrow(/consensus type is BFT, not etcdraft/);
    expect(() => addOrdererEndpoint(config(), 'OtherMSP', '127.0.0.1:13040')).toThrow(
      /no orderer organisation OtherMSP/,
    );
  });
});
