import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editTopologyFile } from './edit';
import { organizations } from './hosts';
import { parseTopology, TopologyError } from './load';
import { planPorts } from './ports';

const YAML_TEXT = `# a comment that must survive
name: t
portBase: 9000
governance:
  issuers:
    USD: [Org1]
orgs:
  - name: Org1 # first
    mspId: Org1MSP
    peers: 1
  - name: Org2
    mspId: Org2MSP
    peers: 1
  - name: Org3
    mspId: Org3MSP
    peers: 1
`;

function tempFile(text = YAML_TEXT): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fabpay-edit-')), 'topology.yaml');
  writeFileSync(file, text);
  return file;
}

describe('editTopologyFile', () => {
  it('writes the change and keeps comments', () => {
    const file = tempFile();
    const result = editTopologyFile(file, (doc) => {
      doc.setIn(['orgs', 0, 'peers'], 2);
      return true;
    });
    expect(result.changed).toBe(true);
    expect(result.topology.orgs[0]!.peers).toBe(2);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# a comment that must survive');
    expect(text).toContain('- name: Org1 # first');
    expect(text).toContain('    USD: [Org1]\n');
  });

  it('writes nothing when the edit changes nothing', () => {
    const file = tempFile();
    const result = editTopologyFile(file, (doc) => {
      doc.setIn(['orgs', 0, 'peers'], 1);
      return true;
    });
    expect(result.changed).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(YAML_TEXT);
  });

  it('refuses an edit that would not validate and leaves the file alone', () => {
    const file = tempFile();
    expect(() =>
      editTopologyFile(file, (doc) => {
        doc.setIn(['orgs', 0, 'peers'], 99);
        return true;
      }),
    ).toThrow(TopologyError);
    expect(readFileSync(file, 'utf8')).toBe(YAML_TEXT);
  });
});

describe('removed organisations and orderers', () => {
  const orgs = [
    { name: 'Org1', mspId: 'Org1MSP', peers: 1 },
    { name: 'Org2', mspId: 'Org2MSP', peers: 1, removed: true },
    { name: 'Org3', mspId: 'Org3MSP', peers: 1 },
  ];

  it('leaves a removed org out of orgs and keeps the ports of the orgs after it', () => {
    const t = parseTopology({ portBase: 9000, orgs });
    expect(t.orgs.map((o) => o.name)).toEqual(['Org1', 'Org3']);
    expect(t.removedOrgs?.map((o) => o.name)).toEqual(['Org2']);
    const org3 = planPorts(t).orgs.find((o) => o.org === 'Org3')!;
    expect(org3.base).toBe(9300);
    expect(organizations(t).map((o) => o.name)).toEqual(['OrdererOrg', 'Org1', 'Org3']);
  });

  it('leaves removed orderers out and keeps the others on their ports', () => {
    const t = parseTopology({ portBase: 9000, ordererOrg: { orderers: 4, removed: ['orderer0'] } });
    const plan = planPorts(t).orgs[0]!;
    expect(plan.orderers.map((o) => [o.host, o.listen])).toEqual([
      ['orderer1.example.com', 9020],
      ['orderer2.example.com', 9030],
      ['orderer3.example.com', 9040],
    ]);
  });

  it('refuses removing an orderer that does not exist, twice, or the last one', () => {
    expect(() => parseTopology({ ordererOrg: { orderers: 3, removed: ['orderer5'] } })).toThrow(
      /orderer5" does not exist/,
    );
    expect(() => parseTopology({ ordererOrg: { orderers: 3, removed: ['orderer1', 'orderer1'] } })).toThrow(
      /listed twice/,
    );
    expect(() => parseTopology({ ordererOrg: { orderers: 1, removed: ['orderer0'] } })).toThrow(
      /0 orderers would run/,
    );
  });

  it('refuses removing every organisation', () => {
    expect(() => parseTopology({ orgs: [{ name: 'Org1', mspId: 'Org1MSP', removed: true }] })).toThrow(
      /every organisation is removed/,
    );
  });
});
