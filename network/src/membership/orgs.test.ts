import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTopology } from '@fabpay/topology';
import {
  configSigners,
  recordOrgJoin,
  recordOrgRemoved,
  majority,
  MembershipRefusedError,
  parseOrgUser,
  termsWithMember,
  termsWithoutMember,
} from './orgs';

const terms = {
  members: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
  issuers: { USD: ['Org1MSP', 'Org3MSP'], EUR: ['Org3MSP'] },
  compliance: { Org1MSP: ['Org1MSP', 'Org3MSP'], Org3MSP: ['Org3MSP'] },
  maxClockSkewSeconds: 60,
  maxHoldSeconds: 3600,
  custody: true,
};

describe('org membership rules', () => {
  it('a removed org is no member and keeps and gives no grant', () => {
    expect(termsWithoutMember(terms, 'Org3MSP')).toEqual({
      ...terms,
      members: ['Org1MSP', 'Org2MSP'],
      issuers: { USD: ['Org1MSP'], EUR: [] },
      compliance: { Org1MSP: ['Org1MSP'] },
    });
  });

  it('a joining org becomes a member acting as compliance for its own customers', () => {
    const two = termsWithoutMember(terms, 'Org3MSP');
    expect(termsWithMember(two, 'Org4MSP')).toMatchObject({
      members: ['Org1MSP', 'Org2MSP', 'Org4MSP'],
      compliance: { Org1MSP: ['Org1MSP'], Org4MSP: ['Org4MSP'] },
    });
    expect(termsWithMember(terms, 'Org2MSP')).toEqual(terms);
  });

  it('config updates are signed by a majority of the orgs in the channel, staying orgs first', () => {
    expect(majority(1)).toBe(1);
    expect(majority(2)).toBe(2);
    expect(majority(3)).toBe(2);
    expect(configSigners(['A', 'B', 'C'], ['Org1', 'Org2'], ['Org3'])).toEqual(['Org1', 'Org2']);
    // Two orgs: the leaving org's admin must sign too.
    expect(configSigners(['A', 'B'], ['Org1'], ['Org2'])).toEqual(['Org1', 'Org2']);
    expect(() => configSigners(['A', 'B', 'C'], ['Org1'], [])).toThrow(MembershipRefusedError);
  });

  it('parses --user with certificate attributes', () => {
    expect(parseOrgUser('erin')).toEqual({ name: 'erin', attributes: {} });
    expect(parseOrgUser('frank:payments.role=issuer,region=eu')).toEqual({
      name: 'frank',
      attributes: { 'payments.role': 'issuer', region: 'eu' },
    });
    expect(() => parseOrgUser('frank:payments.role')).toThrow(/expected name\[:attribute=value/);
  });
});

describe('the topology file records who is a member', () => {
  const file = (text: string): string => {
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'fabpay-orgs-')), 'topology.yaml');
    writeFileSync(f, text);
    return f;
  };
  const erin = { name: 'erin', attributes: { 'payments.role': 'issuer' } };

  it('appends a new org with its users; a second join changes nothing', () => {
    const f = file('# mine\nportBase: 9000\norgs:\n  - { name: Org1, mspId: Org1MSP, peers: 1 }\n');
    const first = recordOrgJoin(f, { name: 'Org3', mspId: 'Org3MSP', peers: 2, users: [erin] });
    expect(first.changed).toBe(true);
    expect(first.topology.orgs.map((o) => [o.name, o.peers, o.slot])).toEqual([
      ['Org1', 1, 1],
      ['Org3', 2, 2],
    ]);
    expect(first.topology.orgs[1]!.users).toEqual([erin]);
    expect(readFileSync(f, 'utf8')).toMatch(/^# mine/);
    const text = readFileSync(f, 'utf8');
    expect(recordOrgJoin(f, { name: 'Org3', mspId: 'Org3MSP', peers: 2, users: [] }).changed).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('writes out the default orgs before adding to a file that relies on them', () => {
    const f = file('portBase: 9000\n');
    const edit = recordOrgJoin(f, { name: 'Org3', mspId: 'Org3MSP', peers: 1, users: [] });
    expect(edit.topology.orgs.map((o) => o.name)).toEqual(['Org1', 'Org2', 'Org3']);
  });

  it('marks a removed org, keeps its slot, and a later join takes the mark off', () => {
    const f = file(
      'portBase: 9000\norgs:\n  - { name: Org1, mspId: Org1MSP }\n  - { name: Org2, mspId: Org2MSP }\n  - { name: Org3, mspId: Org3MSP }\n',
    );
    expect(recordOrgRemoved(f, 'Org2').changed).toBe(true);
    expect(recordOrgRemoved(f, 'Org2').changed).toBe(false);
    const t = loadTopology(f);
    expect(t.orgs.map((o) => [o.name, o.slot])).toEqual([
      ['Org1', 1],
      ['Org3', 3],
    ]);
    const back = recordOrgJoin(f, { name: 'Org2', mspId: 'Org2MSP', peers: 1, users: [] });
    expect(back.changed).toBe(true);
    expect(back.topology.orgs.map((o) => o.name)).toEqual(['Org1', 'Org2', 'Org3']);
  });
});
