import { Certificate } from '@fidm/x509';
import { fail } from './errors';
import { Account, CallerInfo, Governance } from '@fabpay/model';

/** Certificate attribute (registered `:ecert` by the Fabric CA) carrying the payments role. */
export const ROLE_ATTRIBUTE = 'payments.role';

/** Roles understood by the chaincode. An identity carries at most one (one attribute value). */
export type Role = 'issuer' | 'compliance';

/** The subset of fabric-shim's ClientIdentity the chaincode uses. */
export interface IdentitySource {
  getMSPID(): string;
  getID(): string;
  getIDBytes(): Uint8Array;
  getAttributeValue(name: string): string | null;
}

/**
 * An identity that already knows whether its subject has OU=admin (the
 * direct dispatch's CertIdentity, which parsed the certificate once).
 */
interface KnowsAdmin {
  adminOU(): boolean;
}

/** The caller, resolved once per transaction. */
export interface Caller extends CallerInfo {
  role: Role | '';
}

/** Owner string for an identity: stable across re-enrollment with the same subject and issuer. */
export function ownerOf(mspId: string, id: string): string {
  return `${mspId}::${id}`;
}

/**
 * Resolves the caller. The admin flag comes from the certificate subject
 * itself (NodeOU `OU=admin`) rather than from parsing the getID() string,
 * because fabric-shim escapes only the first "/" of each DN value there, so
 * a crafted CN could imitate an OU in that string.
 */
export function resolveCaller(identity: IdentitySource & Partial<KnowsAdmin>): Caller {
  const mspId = identity.getMSPID();
  const id = identity.getID();
  const rawRole = identity.getAttributeValue(ROLE_ATTRIBUTE);
  const role: Role | '' = rawRole === 'issuer' || rawRole === 'compliance' ? rawRole : '';
  const admin = identity.adminOU?.() ?? hasAdminOU(identity.getIDBytes());
  return { owner: ownerOf(mspId, id), mspId, id, role, admin };
}

/**
 * True if the certificate PEM's subject has OU=admin; false for anything
 * that is not an X.509 PEM. (caller-identity.ts reuses it so both dispatch
 * paths decide alike.)
 */
export function hasAdminOU(idBytes: Uint8Array): boolean {
  try {
    const cert = Certificate.fromPEM(Buffer.from(idBytes));
    return cert.subject.attributes.some((a) => a.shortName === 'OU' && a.value === 'admin');
  } catch {
    // Not an X.509 PEM (e.g. an idemix identity): never an admin.
    return false;
  }
}

/*
 * The authorisation table for roles. A role is two things at once: the
 * certificate attribute (which any org's CA can put in any certificate, so
 * it proves nothing alone) and a grant to the caller's MSP in on-ledger
 * governance, which only a majority of member orgs can change.
 */

/**
 * The MSP IDs granted under `key` in a governance map. An own-property
 * lookup: MSP IDs such as "constructor" must not reach Object.prototype.
 */
export function grantsOf(grants: Readonly<Record<string, string[]>>, key: string): readonly string[] {
  return Object.prototype.hasOwnProperty.call(grants, key) ? (grants[key] ?? []) : [];
}

/** Throws FORBIDDEN unless the caller's MSP is a member of the governance. */
export function requireMember(caller: Caller, governance: Governance): void {
  if (!governance.members.includes(caller.mspId)) {
    throw fail('FORBIDDEN', `MSP ${caller.mspId} is not a member of the payments governance`);
  }
}

/** Throws FORBIDDEN unless the caller is an org admin of a member MSP. */
export function requireMemberAdmin(caller: Caller, governance: Governance): void {
  requireMember(caller, governance);
  if (!caller.admin) {
    throw fail('FORBIDDEN', 'requires an org admin identity (NodeOU admin)');
  }
}

/** Throws FORBIDDEN unless the caller may issue and redeem `currency`: role issuer and its MSP granted it. */
export function requireIssuer(caller: Caller, governance: Governance, currency: string): void {
  if (caller.role !== 'issuer') {
    throw fail('FORBIDDEN', `requires ${ROLE_ATTRIBUTE}=issuer`);
  }
  if (!grantsOf(governance.issuers, currency).includes(caller.mspId)) {
    throw fail('FORBIDDEN', `MSP ${caller.mspId} is not granted issuance of ${currency} by governance`);
  }
}

/**
 * Throws FORBIDDEN unless the caller acts as compliance for the account's
 * owner: role compliance and governance granting its MSP the owner's MSP.
 */
export function requireComplianceFor(caller: Caller, governance: Governance, account: Account): void {
  if (caller.role !== 'compliance') {
    throw fail('FORBIDDEN', `requires ${ROLE_ATTRIBUTE}=compliance`);
  }
  const ownerMsp = mspOfOwner(account.owner);
  if (!grantsOf(governance.compliance, caller.mspId).includes(ownerMsp)) {
    throw fail(
      'FORBIDDEN',
      `MSP ${caller.mspId} is not granted compliance over accounts of ${ownerMsp} by governance`,
    );
  }
}

/** MSP ID part of an owner string. */
export function mspOfOwner(owner: string): string {
  const i = owner.indexOf('::');
  return i < 0 ? '' : owner.slice(0, i);
}

/** True if the caller is an org admin of the MSP the owner belongs to. */
export function isAdminFor(caller: Caller, owner: string): boolean {
  return caller.admin && mspOfOwner(owner) === caller.mspId;
}
