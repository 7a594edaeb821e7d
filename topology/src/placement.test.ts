import {
  hostNetworkPlan,
  hostsFileText,
  membersOfHost,
  nodeAddress,
  orgAddress,
  parseTopology,
  parseTopologyYaml,
  TopologyError,
} from './index';

/** Two orgs and three orderers, each org and orderer1 on hosts of their own. */
const HOSTED = {
  hostNetwork: { subnet: '10.9.8.0/24', bridge: 'fpx' },
  ordererOrg: { host: 'ordering', ordererHosts: { orderer1: 'ordering-b' } },
  orgs: [
    { name: 'Org1', mspId: 'Org1MSP', peers: 2, host: 'bank1' },
    { name: 'Org2', mspId: 'Org2MSP', peers: 1, host: 'bank2' },
  ],
};

function errorsOf(raw: unknown): string[] {
  try {
    parseTopology(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return (e as TopologyError).message.split('\n');
  }
  throw new Error('expected a validation error');
}

describe('placement on hosts', () => {
  it('leaves a topology without hosts on loopback', () => {
    const t = parseTopologyYaml('');
    expect(hostNetworkPlan(t)).toBeUndefined();
    expect(hostsFileText(t)).toBeUndefined();
    expect(orgAddress(t, 'Org1')).toBe('127.0.0.1');
    expect(nodeAddress(t, 'orderer0.example.com')).toBe('127.0.0.1');
  });

  it('gives hosts addresses in the order the file first names them, namespaces and links after the bridge', () => {
    const plan = hostNetworkPlan(parseTopology(HOSTED))!;
    expect(plan).toEqual({
      bridge: 'fpx',
      gateway: '10.9.8.1',
      prefixLength: 24,
      hosts: [
        { name: 'ordering', address: '10.9.8.10', netns: 'fpx-ordering', link: 'fpxh0' },
        { name: 'ordering-b', address: '10.9.8.11', netns: 'fpx-ordering-b', link: 'fpxh1' },
        { name: 'bank1', address: '10.9.8.12', netns: 'fpx-bank1', link: 'fpxh2' },
        { name: 'bank2', address: '10.9.8.13', netns: 'fpx-bank2', link: 'fpxh3' },
      ],
    });
  });

  it('places orderers on their own host or the orderer org’s, and peers and CAs on their org’s', () => {
    const t = parseTopology(HOSTED);
    expect(nodeAddress(t, 'orderer0.example.com')).toBe('10.9.8.10');
    expect(nodeAddress(t, 'orderer1.example.com')).toBe('10.9.8.11');
    expect(nodeAddress(t, 'orderer2.example.com')).toBe('10.9.8.10');
    expect(nodeAddress(t, 'peer1.org1.example.com')).toBe('10.9.8.12');
    expect(orgAddress(t, 'Org2')).toBe('10.9.8.13');
    expect(orgAddress(t, 'OrdererOrg')).toBe('10.9.8.10');
    expect(membersOfHost(t, 'ordering')).toEqual({
      orgs: ['OrdererOrg'],
      orderers: ['orderer0.example.com', 'orderer2.example.com'],
    });
    expect(membersOfHost(t, 'bank1')).toEqual({ orgs: ['Org1'], orderers: [] });
  });

  it('writes a hosts file naming every node and CA at its host’s address', () => {
    expect(hostsFileText(parseTopology(HOSTED))!.split('\n').slice(1)).toEqual([
      '127.0.0.1 localhost',
      '10.9.8.10 ordering tlsca.example.com rca.example.com ica.example.com orderer0.example.com orderer2.example.com',
      '10.9.8.11 ordering-b orderer1.example.com',
      '10.9.8.12 bank1 tlsca.org1.example.com rca.org1.example.com ica.org1.example.com peer0.org1.example.com peer1.org1.example.com',
      '10.9.8.13 bank2 tlsca.org2.example.com rca.org2.example.com ica.org2.example.com peer0.org2.example.com',
      '',
    ]);
  });

  it('moves no address when an org is removed or one is added at the end', () => {
    const before = hostNetworkPlan(parseTopology(HOSTED))!.hosts;
    const removed = parseTopology({
      ...HOSTED,
      orgs: [{ ...HOSTED.orgs[0]!, removed: true }, HOSTED.orgs[1]!],
    });
    expect(hostNetworkPlan(removed)!.hosts).toEqual(before);
    const grown = parseTopology({
      ...HOSTED,
      orgs: [...HOSTED.orgs, { name: 'Org3', mspId: 'Org3MSP', peers: 1, host: 'bank3' }],
    });
    expect(hostNetworkPlan(grown)!.hosts.slice(0, before.length)).toEqual(before);
    expect(orgAddress(grown, 'Org3')).toBe('10.9.8.14');
  });

  it('lets organisations share a host', () => {
    const t = parseTopology({ ...HOSTED, orgs: HOSTED.orgs.map((o) => ({ ...o, host: 'shared' })) });
    expect(orgAddress(t, 'Org1')).toBe(orgAddress(t, 'Org2'));
    expect(hostNetworkPlan(t)!.hosts.map((h) => h.name)).toEqual(['ordering', 'ordering-b', 'shared']);
  });

  it('refuses hosts for some organisations but not others, naming each one left out', () => {
    const errors = errorsOf({ ...HOSTED, orgs: [HOSTED.orgs[0]!, { ...HOSTED.orgs[1]!, host: undefined }] });
    expect(errors).toEqual([
      expect.stringMatching(/orgs\[1\]\.host: Org2 names no host, but other organisations do/),
    ]);
    expect(errorsOf({ orgs: HOSTED.orgs })).toEqual([
      expect.stringMatching(/ordererOrg\.host: OrdererOrg names no host/),
    ]);
  });

  it('refuses orderer hosts or a host network without hosts, unknown orderers, bad names and subnets', () => {
    expect(errorsOf({ ordererOrg: { ordererHosts: { orderer1: 'b' } } })).toEqual([
      expect.stringMatching(/ordererOrg\.ordererHosts: orderers can only be placed on hosts when/),
    ]);
    expect(errorsOf({ hostNetwork: { subnet: '10.1.2.0/24' } })).toEqual([
      expect.stringMatching(/hostNetwork: hostNetwork is only used when organisations name a host/),
    ]);
    expect(
      errorsOf({ ...HOSTED, ordererOrg: { host: 'ordering', ordererHosts: { orderer5: 'x' } } }),
    ).toEqual([expect.stringMatching(/ordererOrg\.ordererHosts\.orderer5: "orderer5" does not exist/)]);
    expect(errorsOf({ ...HOSTED, ordererOrg: { host: 'Ordering_1' } }).join('\n')).toMatch(
      /ordererOrg\.host: expected a host name: a lower-case letter/,
    );
    expect(errorsOf({ ...HOSTED, hostNetwork: { subnet: '10.1.2.0/16' } }).join('\n')).toMatch(
      /hostNetwork\.subnet: expected an IPv4 \/24 subnet/,
    );
    expect(errorsOf({ ...HOSTED, hostNetwork: { bridge: 'a-very-long-bridge' } }).join('\n')).toMatch(
      /hostNetwork\.bridge: expected a bridge name/,
    );
  });
});
