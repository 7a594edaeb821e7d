import {
  configSigners,
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
