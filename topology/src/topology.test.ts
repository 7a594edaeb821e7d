import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  checkTopology,
  defaultTopologyFile,
  governanceOf,
  loadTopology,
  organizations,
  parseTopology,
  parseTopologyYaml,
  planPorts,
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
      ordererOrg: { name: 'OrdererOrg', mspId: 'OrdererMSP', orderers: 3, removed: [] },
      orgs: [
        { name: 'Org1', mspId: 'Org1MSP', peers: 2, slot: 1, users: [] },
        { name: 'Org2', mspId: 'Org2MSP', peers: 2, slot: 2, users: [] },
      ],
      removedOrgs: [],
      channel: { name: 'payments' },
      chaincode: { name: 'payments', version: '1.0', path: 'chaincode' },
      batch: { timeout: '250ms', maxMessageCount: 500, preferredMaxBytes: 4 * 1024 * 1024 },
      peer: { gatewayConcurrency: 2500 },
      logging: 'INFO:comm.grpc.server,endorser,gateway=WARN',
      nodeEnv: { orderer: {}, peer: {}, chaincode: {} },
      governance: { maxClockSkewSeconds: 60, maxHoldSeconds: 604800, custody: true },
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
    expect(t.ordererOrg).toEqual({ name: 'OrdererOrg', mspId: 'OrdererMSP', orderers: 1, removed: [] });
    expect(t.orgs).toEqual([
      { name: 'Bank', mspId: 'BankMSP', peers: 2, slot: 1, users: [{ name: 'u1', attributes: {} }] },
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

describe('governance', () => {
  it('defaults: USD and EUR issued by the first org, every org compliance for its own customers', () => {
    const t = parseTopologyYaml('orgs: [{ name: Bank, mspId: BankMSP }, { name: Shop, mspId: ShopMSP }]\n');
    expect(governanceOf(t)).toEqual({
      issuers: { USD: ['Bank'], EUR: ['Bank'] },
      compliance: { Bank: ['Bank'], Shop: ['Shop'] },
      maxClockSkewSeconds: 60,
      maxHoldSeconds: 604800,
      custody: true,
    });
  });

  it('takes what the file states; given compliance replaces the default entirely', () => {
    const t = parseTopologyYaml(
      [
        'orgs: [{ name: Org1, mspId: Org1MSP }, { name: Org2, mspId: Org2MSP }, { name: Org3, mspId: Org3MSP }]',
        'governance:',
        '  issuers: { USD: [Org1, Org3], JPY: [] }',
        '  compliance: { Org2: [Org1, Org2] }',
        '  maxClockSkewSeconds: 5',
        '  maxHoldSeconds: 3600',
        '  custody: false',
        '',
      ].join('\n'),
    );
    expect(governanceOf(t)).toEqual({
      issuers: { USD: ['Org1', 'Org3'], JPY: [] },
      compliance: { Org2: ['Org1', 'Org2'] },
      maxClockSkewSeconds: 5,
      maxHoldSeconds: 3600,
      custody: false,
    });
  });

  it('fills the scalar defaults inside a partial section', () => {
    const t = parseTopologyYaml('governance: { issuers: { GBP: [Org2] } }\n');
    expect(t.governance).toEqual({
      issuers: { GBP: ['Org2'] },
      maxClockSkewSeconds: 60,
      maxHoldSeconds: 604800,
      custody: true,
    });
    expect(governanceOf(t).compliance).toEqual({ Org1: ['Org1'], Org2: ['Org2'] });
  });

  it('the repository topology.yaml and the fixtures state USD and EUR issued by Org1', () => {
    const files = [
      defaultTopologyFile(),
      join(__dirname, '..', '..', 'test', 'fixtures', 'topology.yaml'),
      join(__dirname, '..', '..', 'test', 'fixtures', 'five-orderers.yaml'),
      join(__dirname, '..', '..', 'test', 'fixtures', 'three-orgs.yaml'),
      join(__dirname, '..', '..', 'test', 'bench', 'topology.yaml'),
    ];
    for (const file of files) {
      const t = loadTopology(file);
      expect([file, t.governance.issuers]).toEqual([file, { USD: ['Org1'], EUR: ['Org1'] }]);
      expect([file, t.governance.custody]).toEqual([file, true]);
    }
  });

  it('the three-org fixture: one peer each, one orderer, erin an issuer by attribute only', () => {
    const t = loadTopology(join(__dirname, '..', '..', 'test', 'fixtures', 'three-orgs.yaml'));
    expect(t.ordererOrg.orderers).toBe(1);
    expect(t.orgs.map((o) => [o.name, o.mspId, o.peers, o.users.map((u) => u.name)])).toEqual([
      ['Org1', 'Org1MSP', 1, ['alice', 'bob']],
      ['Org2', 'Org2MSP', 1, ['carol', 'dave']],
      ['Org3', 'Org3MSP', 1, ['erin', 'frank']],
    ]);
    expect(t.orgs[2]?.users[0]?.attributes).toEqual({ 'payments.role': 'issuer' });
    expect(governanceOf(t).compliance).toEqual({ Org1: ['Org1'], Org2: ['Org2'], Org3: ['Org3'] });
  });

  it('fixture and bench port plans do not overlap and stay below the ephemeral range', () => {
    const files = ['topology.yaml', 'five-orderers.yaml', 'three-orgs.yaml']
      .map((f) => join(__dirname, '..', '..', 'test', 'fixtures', f))
      .concat(join(__dirname, '..', '..', 'test', 'bench', 'topology.yaml'));
    const owner = new Map<number, string>();
    for (const file of files) {
      for (const { port } of planPorts(loadTopology(file)).all) {
        expect([port, owner.get(port)]).toEqual([port, undefined]);
        owner.set(port, file);
        expect(port).toBeLessThan(32768);
      }
    }
  });

  const cases: [string, string, string][] = [
    [
      'lower-case currency code',
      'governance: { issuers: { usd: [Org1] } }\n',
      'topology.yaml: governance.issuers.usd: "usd" is not a currency code: expected three upper-case letters (ISO 4217) such as USD',
    ],
    [
      'unknown issuer org',
      'governance: { issuers: { USD: [Org3] } }\n',
      'topology.yaml: governance.issuers.USD[0]: unknown organisation "Org3": expected one of Org1, Org2',
    ],
    [
      'org name in the wrong case',
      'governance: { issuers: { EUR: [org1] } }\n',
      'topology.yaml: governance.issuers.EUR[0]: unknown organisation "org1" (did you mean "Org1"?)',
    ],
    [
      'the orderer org',
      'governance: { issuers: { EUR: [OrdererOrg] } }\n',
      'topology.yaml: governance.issuers.EUR[0]: "OrdererOrg" is the orderer organisation; governance names peer organisations (Org1, Org2)',
    ],
    [
      'an org twice',
      'governance: { issuers: { EUR: [Org1, Org2, Org1] } }\n',
      'topology.yaml: governance.issuers.EUR[2]: organisation "Org1" is listed twice',
    ],
    [
      'unknown compliance org',
      'governance: { compliance: { Org7: [Org1] } }\n',
      'topology.yaml: governance.compliance.Org7: unknown organisation "Org7": expected one of Org1, Org2',
    ],
    [
      'unknown org a compliance org acts for',
      'governance: { compliance: { Org2: [Org1, Bank] } }\n',
      'topology.yaml: governance.compliance.Org2[1]: unknown organisation "Bank": expected one of Org1, Org2',
    ],
    [
      'issuers as a list',
      'governance: { issuers: [Org1] }\n',
      'topology.yaml: governance.issuers: expected a map of currency codes to lists of organisation names, got a list of 1',
    ],
    [
      'an issuer list as a string',
      'governance: { issuers: { USD: Org1 } }\n',
      'topology.yaml: governance.issuers.USD: expected a list of organisation names, got "Org1"',
    ],
    [
      'custody as "on"',
      'governance: { custody: on }\n',
      'topology.yaml: governance.custody: expected true or false, got "on"',
    ],
    [
      'clock skew out of range',
      'governance: { maxClockSkewSeconds: 0 }\n',
      'topology.yaml: governance.maxClockSkewSeconds: expected a whole number from 1 to 3600, got 0',
    ],
    [
      'hold too short',
      'governance: { maxHoldSeconds: 30 }\n',
      'topology.yaml: governance.maxHoldSeconds: expected a whole number from 60 to 31622400, got 30',
    ],
    [
      'misspelt field',
      'governance: { issuer: { USD: [Org1] } }\n',
      'topology.yaml: governance.issuer: unknown field (check the spelling)',
    ],
  ];
  it.each(cases)('refuses %s', (_label, text, expected) => {
    expect(errorsOf(text)).toContain(expected);
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
      'topology.yaml: ordererOrg.orderers: 8 orderers would run (8 created, 0 removed): a Raft cluster here has 1 to 7',
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

describe('node settings', () => {
  it('take upper-case variable names per process kind', () => {
    const t = parseTopologyYaml('nodeEnv:\n  peer:\n    CORE_PEER_VALIDATORPOOLSIZE: "4"\n');
    expect(t.nodeEnv).toEqual({ orderer: {}, peer: { CORE_PEER_VALIDATORPOOLSIZE: '4' }, chaincode: {} });
  });

  it('refuse a malformed name or an unknown kind with the field path', () => {
    expect(() => parseTopologyYaml('nodeEnv:\n  peer:\n    core_peer_x: "1"\n')).toThrow(/nodeEnv\.peer/);
    expect(() => parseTopologyYaml('nodeEnv:\n  ca:\n    X: "1"\n')).toThrow(/nodeEnv/);
    expect(() => parseTopologyYaml('nodeEnv:\n  peer:\n    X: 1\n')).toThrow(/nodeEnv\.peer\.X/);
  });
});
