import './testing/quiet';
import { ClientIdentity } from 'fabric-shim';
import {
  Caller,
  isAdminFor,
  mspOfOwner,
  ownerOf,
  requireComplianceFor,
  requireIssuer,
  requireMember,
  requireMemberAdmin,
  resolveCaller,
} from './acl';
import { Account, Governance } from '@fabpay/model';
import { defaultTerms } from './testing/fabric';
import { identity } from './testing/identities';

async function callerFor(spec: Parameters<typeof identity>[0]) {
  const who = await identity(spec);
  // fabric-shim's own ClientIdentity over a real certificate, as in a peer.
  const ci = new ClientIdentity({
    getChannelID: () => 'ch',
    getTxID: () => 'tx',
    getCreator: () => ({ mspid: who.mspid, idBytes: who.idBytes }),
  } as never);
  return { who, caller: resolveCaller(ci) };
}

describe('caller resolution', () => {
  test('owner is MSP ID + getID(); role from payments.role; not an admin', async () => {
    const { who, caller } = await callerFor({
      mspId: 'Org1MSP',
      cn: 'acl-issuer',
      attrs: { 'payments.role': 'issuer' },
    });
    expect(caller.owner).toBe(who.owner);
    expect(caller.owner).toBe(ownerOf('Org1MSP', caller.id));
    expect(caller.role).toBe('issuer');
    expect(caller.admin).toBe(false);
  });

  test('NodeOU admin in the subject makes an org admin, for its own MSP only', async () => {
    const { caller } = await callerFor({ mspId: 'Org1MSP', cn: 'acl-admin', ou: 'admin' });
    expect(caller.admin).toBe(true);
    expect(isAdminFor(caller, 'Org1MSP::x509::/CN=u')).toBe(true);
    expect(isAdminFor(caller, 'Org2MSP::x509::/CN=u')).toBe(false);
  });

  test('a CN that imitates an OU in the ID string is not an admin', async () => {
    const { caller } = await callerFor({ mspId: 'Org1MSP', cn: 'x/y/OU=admin' });
    expect(caller.id).toContain('OU=admin');
    expect(caller.admin).toBe(false);
  });

  test('unknown role values give no role', async () => {
    const { caller } = await callerFor({
      mspId: 'Org1MSP',
      cn: 'acl-other',
      attrs: { 'payments.role': 'superuser' },
    });
    expect(caller.role).toBe('');
  });
});

describe('roles are the attribute and the MSP grant in governance', () => {
  const governance: Governance = { ...defaultTerms(), version: 1, updatedAt: '2026-03-01T00:00:00.000Z' };
  const caller = (mspId: string, role: Caller['role'], admin = false): Caller => ({
    owner: ownerOf(mspId, `x509::/CN=${role || 'user'}`),
    mspId,
    id: `x509::/CN=${role || 'user'}`,
    role,
    admin,
  });
  const accountOf = (mspId: string): Account => ({
    accountId: 'A',
    owner: ownerOf(mspId, 'x509::/CN=owner'),
    currency: 'USD',
    status: 'active',
    openedAt: '',
    updatedAt: '',
    frozenReason: '',
  });

  test('members and member admins', () => {
    expect(() => requireMember(caller('Org2MSP', ''), governance)).not.toThrow();
    expect(() => requireMember(caller('Org3MSP', ''), governance)).toThrow(
      /^FORBIDDEN: MSP Org3MSP is not a member/,
    );
    expect(() => requireMemberAdmin(caller('Org2MSP', '', true), governance)).not.toThrow();
    expect(() => requireMemberAdmin(caller('Org2MSP', ''), governance)).toThrow(
      /^FORBIDDEN: requires an org admin/,
    );
    expect(() => requireMemberAdmin(caller('Org3MSP', '', true), governance)).toThrow(/not a member/);
  });

  test('issuer: the attribute alone, or the grant alone, is not enough', () => {
    expect(() => requireIssuer(caller('Org1MSP', 'issuer'), governance, 'USD')).not.toThrow();
    expect(() => requireIssuer(caller('Org1MSP', 'compliance'), governance, 'USD')).toThrow(
      /^FORBIDDEN: requires payments.role=issuer/,
    );
    expect(() => requireIssuer(caller('Org2MSP', 'issuer'), governance, 'USD')).toThrow(
      /^FORBIDDEN: MSP Org2MSP is not granted issuance of USD/,
    );
    const noEur = { ...governance, issuers: { USD: ['Org1MSP'] } };
    expect(() => requireIssuer(caller('Org1MSP', 'issuer'), noEur, 'EUR')).toThrow(/issuance of EUR/);
  });

  test("compliance: granted per owner's MSP", () => {
    expect(() =>
      requireComplianceFor(caller('Org1MSP', 'compliance'), governance, accountOf('Org1MSP')),
    ).not.toThrow();
    expect(() =>
      requireComplianceFor(caller('Org1MSP', 'compliance'), governance, accountOf('Org2MSP')),
    ).toThrow(/^FORBIDDEN: MSP Org1MSP is not granted compliance over accounts of Org2MSP/);
    expect(() => requireComplianceFor(caller('Org1MSP', 'issuer'), governance, accountOf('Org1MSP'))).toThrow(
      /^FORBIDDEN: requires payments.role=compliance/,
    );
    const wide = { ...governance, compliance: { ...governance.compliance, Org1MSP: ['Org1MSP', 'Org2MSP'] } };
    expect(() =>
      requireComplianceFor(caller('Org1MSP', 'compliance'), wide, accountOf('Org2MSP')),
    ).not.toThrow();
  });

  test('mspOfOwner', () => {
    expect(mspOfOwner('Org1MSP::x509::/CN=a::/CN=ca')).toBe('Org1MSP');
    expect(mspOfOwner('no separator')).toBe('');
  });
});
