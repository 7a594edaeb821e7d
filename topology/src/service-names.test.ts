import { organizations, parseTopologyYaml } from './index';
import { caServiceName, chaincodeServiceName, nodeServiceName } from './service-names';

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe('Service names', () => {
  it('names orderers by their short name, peers with their org, and CAs by org and tier', () => {
    expect(nodeServiceName({ kind: 'orderer', name: 'orderer2', org: 'OrdererOrg' })).toBe('orderer2');
    expect(nodeServiceName({ kind: 'peer', name: 'peer0', org: 'Org1' })).toBe('peer0-org1');
    expect(chaincodeServiceName({ name: 'peer1', org: 'Bank-A' })).toBe('peer1-bank-a-chaincode');
    expect(caServiceName('Org1', 'intermediate')).toBe('org1-intermediate-ca');
    expect(caServiceName('OrdererOrg', 'tls')).toBe('ordererorg-tls-ca');
  });

  it('gives DNS labels for the longest names the topology schema allows', () => {
    const org = `A${'b'.repeat(30)}9`; // 32 characters, the schema's limit
    const t = parseTopologyYaml(`
orgs:
  - { name: ${org}, mspId: LongMSP, peers: 8 }
`);
    for (const o of organizations(t)) {
      for (const n of o.nodes) {
        expect(nodeServiceName(n)).toMatch(DNS_LABEL);
        if (n.kind === 'peer') expect(chaincodeServiceName(n)).toMatch(DNS_LABEL);
      }
      for (const tier of ['tls', 'root', 'intermediate'] as const) {
        expect(caServiceName(o.name, tier)).toMatch(DNS_LABEL);
      }
    }
  });
});
