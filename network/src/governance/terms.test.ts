import { createHash } from 'node:crypto';
import { parseTopologyYaml, TopologyError } from '@fabpay/topology';
import { parseTerms, termsDigest } from '@fabpay/chaincode/dist/domain/governance';
import { chaincodeRefusal } from '../chaincode/calls';
import {
  editTerms,
  genesisDigest,
  genesisTerms,
  parseGrantFlags,
  parseOnOff,
  parseSeconds,
  sameTerms,
  termsFromJson,
} from './terms';

/** The example terms of the chaincode API notes, in their canonical form. */
const DOCUMENTED =
  '{"compliance":{"Org1MSP":["Org1MSP"],"Org2MSP":["Org2MSP"]},"custody":true,"issuers":{"EUR":["Org1MSP"],"USD":["Org1MSP"]},' +
  '"maxClockSkewSeconds":60,"maxHoldSeconds":604800,"members":["Org1MSP","Org2MSP"]}';

const threeOrgs = parseTopologyYaml(
  [
    'orgs:',
    '  - { name: Org1, mspId: Org1MSP }',
    '  - { name: Org2, mspId: Org2MSP }',
    '  - { name: Org3, mspId: Org3MSP }',
    'governance:',
    '  issuers: { USD: [Org3, Org1], KWD: [] }',
    '  compliance: { Org2: [Org3, Org1, Org2] }',
    '  custody: false',
    '',
  ].join('\n'),
);

describe('genesis terms from the topology', () => {
  it('default topology: members, USD and EUR by Org1, compliance per org, with the documented digest', () => {
    const t = parseTopologyYaml('');
    expect(genesisTerms(t)).toEqual(JSON.parse(DOCUMENTED));
    const sha = createHash('sha256').update(DOCUMENTED).digest('hex');
    expect(genesisDigest(t)).toBe(sha);
    expect(genesisDigest(t)).toBe(termsDigest(parseTerms(DOCUMENTED)));
  });

  it('maps org names to MSP IDs and normalises as the chaincode does (sorted, empty grants dropped)', () => {
    expect(genesisTerms(threeOrgs)).toEqual({
      members: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      issuers: { USD: ['Org1MSP', 'Org3MSP'] },
      compliance: { Org2MSP: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
      maxClockSkewSeconds: 60,
      maxHoldSeconds: 604800,
      custody: false,
    });
  });

  it('refuses a currency the chaincode does not know, naming the field, before anything starts', () => {
    const t = parseTopologyYaml('governance: { issuers: { XYZ: [Org1], USD: [Org1] } }\n');
    expect(() => genesisTerms(t, 'net.yaml')).toThrow(TopologyError);
    expect(() => genesisTerms(t, 'net.yaml')).toThrow(
      /^net\.yaml: governance\.issuers\.XYZ: currency XYZ is not in the chaincode's currency table \(AUD, .*USD\)$/,
    );
  });
});

describe('governance edits', () => {
  const base = genesisTerms(threeOrgs);

  it('custody, bounds, issuers by name or MSP ID, removal with an empty list', () => {
    const edited = editTerms(threeOrgs, base, {
      custody: true,
      maxClockSkewSeconds: 30,
      maxHoldSeconds: 86400,
      issuers: { EUR: ['org2', 'Org3MSP'], USD: [] },
      compliance: { Org1: ['Org1'], Org2: [] },
    });
    expect(edited).toEqual({
      members: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      issuers: { EUR: ['Org2MSP', 'Org3MSP'] },
      compliance: { Org1MSP: ['Org1MSP'] },
      maxClockSkewSeconds: 30,
      maxHoldSeconds: 86400,
      custody: true,
    });
    expect(base.custody).toBe(false);
  });

  it('names an unknown organisation', () => {
    expect(() => editTerms(threeOrgs, base, { issuers: { USD: ['Org9'] } })).toThrow(
      'unknown organisation "Org9": expected one of Org1 (Org1MSP), Org2 (Org2MSP), Org3 (Org3MSP)',
    );
  });

  it('parses the CLI flags', () => {
    expect(parseGrantFlags(['usd=Org1, Org2', 'EUR='], '--issuer', true)).toEqual({
      USD: ['Org1', 'Org2'],
      EUR: [],
    });
    expect(() => parseGrantFlags(['USD'], '--issuer')).toThrow(
      '--issuer: expected KEY=Org[,Org...], got "USD"',
    );
    expect([parseOnOff('on', '--custody'), parseOnOff('OFF', '--custody')]).toEqual([true, false]);
    expect(() => parseOnOff('maybe', '--custody')).toThrow('--custody: expected on or off, got "maybe"');
    expect(parseSeconds('90', '--max-skew')).toBe(90);
    expect(() => parseSeconds('1.5', '--max-skew')).toThrow('--max-skew: expected a whole number of seconds');
  });

  it('reads terms from a governance document and compares them normalised', () => {
    const doc = JSON.stringify({ ...base, version: 3, updatedAt: '2026-01-01T00:00:00.000Z' });
    const terms = termsFromJson(doc, 'g.json');
    expect(terms).toEqual(base);
    expect(sameTerms(terms, { ...base, members: [...base.members].reverse() })).toBe(true);
    expect(sameTerms(terms, { ...base, custody: true })).toBe(false);
    expect(() => termsFromJson('[1]', 'g.json')).toThrow('g.json: expected a JSON object');
  });
});

describe('peer CLI refusals', () => {
  it('extracts the chaincode error code and message', () => {
    const out =
      'Error: endorsement failure during query. response: status:500 message:"GOVERNANCE_NOT_SET: the payments governance has not been initialised (initGovernance)"';
    expect(chaincodeRefusal(out)).toEqual({
      code: 'GOVERNANCE_NOT_SET',
      text: 'GOVERNANCE_NOT_SET: the payments governance has not been initialised (initGovernance)',
    });
    expect(chaincodeRefusal('message:"a \\"quoted\\" thing"')).toEqual({
      code: undefined,
      text: 'a "quoted" thing',
    });
    expect(chaincodeRefusal('Error: timed out')).toBeUndefined();
  });
});
