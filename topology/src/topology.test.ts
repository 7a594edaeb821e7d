import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  checkTopology,
  defaultTopologyFile,
  loadTopology,
  organizations,
  parseTopology,
  parseTopologyYaml,
  topologyObjectSchema,
  TopologyError,
} from './index';

/** Parses and returns the TopologyError's message lines (fails the test when parsing succeeds). */
function errorsOf(yamlText: string): string[] {
  try {
    parseTopologyYaml(yamlText);
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return (e as TopologyError).message.split('\n');
  }
  throw new Error(`expected a validation error for:\n${yamlText}`);
}

describe('defaults', () => {
  it('an empty file gives 3 orderers and 2 orgs x 2 peers on port base 7000', () => {
    const t = parseTopologyYaml('');
    expect(t).toEqual({
      name: 'fabpay',
      domain: 'example.com',
      portBase: 7000,
      ordererOrg: { name: 'OrdererOrg', mspId: 'OrdererMSP', orderers: 3 },
      orgs: [
        { name: 'Org1', mspId: 'Org1MSP', peers: 2, users: [] },
        { name: 'Org2', mspId: 'Org2MSP', peers: 2, users: [] },
      ],
      channel: { name: 'payments' },
      chaincode: { name: 'payments', version: '1.0', path: 'chaincode' },
      batch: { timeout: '250ms', maxMessageCount: 500, preferredMaxBytes: 4 * 1024 * 1024 },
      peer: { gatewayConcurrency: 2500 },
      logging: 'INFO',
    });
  });

  it('validates the network sections and names the bad field', () => {
    expect(() => parseTopologyYaml('batch: { timeout: 2 }\n')).toThrow(/batch\.timeout: expected a duration/);
    expect(() => parseTopologyYaml('channel: { name: Payments }\n')).toThrow(
      /channel\.name: expected a channel name/,
    );
    expect(() => parseTopologyYaml('chaincode: { nam: x }\n')).toThrow(/chaincode/);
  });

  it('fills defaults inside partially given sections', () => {
    const t = parseTopologyYaml(
      'ordererOrg: { orderers: 1 }\norgs: [{ name: Bank, mspId: BankMSP, users: [{ name: u1 }] }]\n',
    );
    expect(t.ordererOrg).toEqual({ name: 'OrdererOrg', mspId: 'OrdererMSP', orderers: 1 });
    expect(t.orgs).toEqual([
      { name: 'Bank', mspId: 'BankMSP', peers: 2, users: [{ name: 'u1', attributes: {} }] },
    ]);
  });

  it('derives host names', () => {
    const orgs = organizations(parseTopologyYaml(''));
    expect(orgs.map((o) => [o.name, o.domain, o.nodes.map((n) => n.host)])).toEqual([
      ['OrdererOrg', 'example.com', ['orderer0.example.com', 'orderer1.example.com', 'orderer2.example.com']],
      ['Org1', 'org1.example.com', ['peer0.org1.example.com', 'peer1.org1.example.com']],
      ['Org2', 'org2.example.com', ['peer0.org2.example.com', 'peer1.org2.example.com']],
    ]);
  });

  it('the repository topology.yaml has the documented users and attributes', () => {
    const t = loadTopology(defaultTopologyFile());
    expect(t.ordererOrg.orderers).toBe(3);
    expect(t.orgs.map((o) => [o.name, o.peers, o.users])).toEqual([
      [
        'Org1',
        2,
        [
          { name: 'alice', attributes: { 'payments.role': 'issuer' } },
          { name: 'bob', attributes: {} },
        ],
      ],
      [
        'Org2',
        2,
        [
          { name: 'carol', attributes: { 'payments.role': 'compliance' } },
          { name: 'dave', attributes: {} },
        ],
      ],
    ]);
  });
});

describe('five orderers', () => {
  it('is accepted and yields orderer0..orderer4', () => {
    const t = parseTopologyYaml('ordererOrg: { orderers: 5 }\n');
    expect(organizations(t)[0]?.nodes.map((n) => n.host)).toEqual([
      'orderer0.example.com',
      'orderer1.example.com',
      'orderer2.example.com',
      'orderer3.example.com',
      'orderer4.example.com',
    ]);
  });
});

describe('validation errors name the field and what was expected', () => {
  const cases: [string, string, string][] = [
    [
      'peer count as a word',
      'orgs:\n  - { name: Org1, mspId: Org1MSP }\n  - { name: Org2, mspId: Org2MSP, peers: two }\n',
      'topology.yaml: orgs[1].peers: expected a whole number from 1 to 8, got "two"',
    ],
    [
      'too many orderers',
      'ordererOrg: { orderers: 8 }\n',
      'topology.yaml: ordererOrg.orderers: expected a whole number from 1 to 7, got 8',
    ],
    [
      'fractional peers',
      'orgs: [{ name: A, mspId: A, peers: 1.5 }]\n',
      'topology.yaml: orgs[0].peers: expected a whole number from 1 to 8, got 1.5',
    ],
    [
      'bad domain',
      'domain: Not_A_Domain\n',
      'topology.yaml: domain: expected a lower-case domain name such as example.com, got "Not_A_Domain"',
    ],
    [
      'portBase out of range',
      'portBase: 80\n',
      'topology.yaml: portBase: expected a whole number from 1024 to 65000, got 80',
    ],
    [
      'missing org name',
      'orgs: [{ mspId: A }]\n',
      'topology.yaml: orgs[0].name: expected an organisation name, got nothing',
    ],
    [
      'illegal org name',
      'orgs: [{ name: "my org", mspId: A }]\n',
      'topology.yaml: orgs[0].name: expected an organisation name: a letter, then letters, digits or inner hyphens, at most 32 characters, got "my org"',
    ],
    [
      'illegal MSP ID',
      'orgs: [{ name: A, mspId: "1MSP" }]\n',
      'topology.yaml: orgs[0].mspId: expected an MSP ID: a letter, then letters, digits, ".", "_" or "-", at most 64 characters, got "1MSP"',
    ],
    [
      'no orgs',
      'orgs: []\n',
      'topology.yaml: orgs: expected at least one peer organisation, got a list of 0',
    ],
    [
      'orgs not a list',
      'orgs: { Org1: 2 }\n',
      'topology.yaml: orgs: expected a list of peer organisations, got a map',
    ],
    [
      'unknown field',
      'orgs: [{ name: A, mspId: A, peer: 3 }]\n',
      'topology.yaml: orgs[0].peer: unknown field (check the spelling)',
    ],
    [
      'duplicate org name (ignoring case)',
      'orgs: [{ name: Org1, mspId: A }, { name: org1, mspId: B }]\n',
      'topology.yaml: orgs[1].name: organisation name "org1" is already used by orgs[0].name (names are compared ignoring case)',
    ],
    [
      'org name equal to the orderer org',
      'orgs: [{ name: OrdererOrg, mspId: A }]\n',
      'topology.yaml: orgs[0].name: organisation name "OrdererOrg" is already used by ordererOrg.name (names are compared ignoring case)',
    ],
    [
      'duplicate MSP ID',
      'orgs: [{ name: A, mspId: M }, { name: B, mspId: M }]\n',
      'topology.yaml: orgs[1].mspId: MSP ID "M" is already used by orgs[0].mspId',
    ],
    [
      'duplicate user',
      'orgs: [{ name: A, mspId: A, users: [{ name: alice }, { name: Alice }] }]\n',
      'topology.yaml: orgs[0].users[1].name: user name "Alice" is already used by orgs[0].users[0] in A (names are compared ignoring case)',
    ],
    [
      'reserved user name',
      'orgs: [{ name: A, mspId: A, users: [{ name: admin }] }]\n',
      'topology.yaml: orgs[0].users[0].name: expected a user name other than "admin" (reserved for the CA bootstrap admin), got "admin"',
    ],
    [
      'attribute value not a string',
      'orgs: [{ name: A, mspId: A, users: [{ name: u, attributes: { payments.role: 3 } }] }]\n',
      'topology.yaml: orgs[0].users[0].attributes["payments.role"]: expected a string attribute value, got 3',
    ],
    [
      'reserved attribute name',
      'orgs: [{ name: A, mspId: A, users: [{ name: u, attributes: { hf.Revoker: "true" } }] }]\n',
      'topology.yaml: orgs[0].users[0].attributes["hf.Revoker"]: attribute name "hf.Revoker" is not allowed: expected an attribute name outside the reserved "hf." namespace',
    ],
  ];
  it.each(cases)('%s', (_label, text, expected) => {
    expect(errorsOf(text)).toContain(expected);
  });

  it('text that is not YAML', () => {
    expect(errorsOf('orgs: [\n')[0]).toMatch(/^topology\.yaml: not valid YAML: .*line 2/);
  });

  it('reports every problem at once', () => {
    const lines = errorsOf('ordererOrg: { orderers: 0 }\ndomain: X\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.split(': ')[1])).toEqual(
      expect.arrayContaining(['ordererOrg.orderers', 'domain']),
    );
  });

  it('names the file given to loadTopology, and says when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabpay-topology-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'orgs: [{ name: A, mspId: A, peers: 9 }]\n');
    expect(() => loadTopology(file)).toThrow(
      `${file}: orgs[0].peers: expected a whole number from 1 to 8, got 9`,
    );
    expect(() => loadTopology(join(dir, 'none.yaml'))).toThrow(`${join(dir, 'none.yaml')}: file not found`);
  });

  it('a port base too high for the topology is refused with the port plan reason', () => {
    const orgs = Array.from({ length: 20 }, (_, i) => `{ name: O${i}, mspId: O${i} }`).join(', ');
    expect(() => parseTopologyYaml(`portBase: 64000\norgs: [${orgs}]\n`)).toThrow(
      /topology\.yaml: portBase: port plan: .* would use port \d+, outside 1\.\.65535; lower portBase/,
    );
  });
});

describe('extending the schema', () => {
  it('keeps defaults, strictness and the cross-field checks', () => {
    const extended = topologyObjectSchema
      .extend({ channels: z.array(z.strictObject({ name: z.string() })).default([{ name: 'payments' }]) })
      .superRefine(checkTopology);
    const t = parseTopology({ orgs: [{ name: 'A', mspId: 'A' }] }, 'x.yaml', extended);
    expect(t.channels).toEqual([{ name: 'payments' }]);
    expect(t.orgs[0]?.peers).toBe(2);
    expect(() =>
      parseTopology(
        {
          orgs: [
            { name: 'A', mspId: 'M' },
            { name: 'B', mspId: 'M' },
          ],
        },
        'x.yaml',
        extended,
      ),
    ).toThrow('x.yaml: orgs[1].mspId: MSP ID "M" is already used by orgs[0].mspId');
  });
});
