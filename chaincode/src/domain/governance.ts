import { createHash } from 'node:crypto';
import { requireMemberAdmin } from '../acl';
import { canonicalJson } from '../canonical';
import { PaymentsContext } from '../context';
import { CURRENCIES } from '../currencies';
import { endorser } from '../endorser';
import { fail } from '../errors';
import { emit } from '../events';
import { Governance, GovernanceProposal, GovernanceTerms, isValidMspId, Page } from '@fabpay/model';
import { KEY } from '../keys';
import { requireId } from './common';
import { pageSizeOf } from './paging';

/*
 * The payments governance lives on the ledger and is changed by the members
 * together: an org admin proposes complete new terms against the current
 * version, admins of other member orgs approve, and the change takes effect
 * in the approval that reaches a majority of the current members. Genesis is
 * written once, and only with the terms every endorsing org's operator
 * configured (FABPAY_GOVERNANCE_GENESIS_SHA256), so no member can race the
 * others to a genesis of its own choosing.
 */

/** Default bound on the proposal timestamp's distance from the endorser's clock. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 60;
/** Default longest hold: 7 days, the usual card authorisation window. */
export const DEFAULT_MAX_HOLD_SECONDS = 7 * 24 * 3600;
/** Largest governance document accepted (bytes of JSON). */
export const MAX_TERMS_LENGTH = 16384;
const MAX_MEMBERS = 50;

/** Members needed for a majority. */
export function majorityOf(members: readonly string[]): number {
  return Math.floor(members.length / 2) + 1;
}

function bad(detail: string): never {
  throw fail('INVALID_ARGUMENT', `governance terms: ${detail}`);
}

function mspList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_MEMBERS) {
    bad(`${what} must be a list of at most ${MAX_MEMBERS} MSP IDs`);
  }
  const list = value.map((v) => {
    if (typeof v !== 'string' || !isValidMspId(v)) bad(`${what} must contain MSP IDs only`);
    return v;
  });
  if (new Set(list).size !== list.length) bad(`${what} must not repeat an MSP ID`);
  return [...list].sort();
}

function wholeSeconds(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`${what} must be a whole number of seconds from ${min} to ${max}`);
  }
  return value;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(`${what} must be an object`);
  return value as Record<string, unknown>;
}

/**
 * Parses and normalises governance terms (sorted lists, no empty grants).
 * Every field is required and no other field is accepted, so two orgs that
 * agree on the terms agree on their canonical bytes.
 */
export function parseTerms(json: string): GovernanceTerms {
  if (json.length > MAX_TERMS_LENGTH) bad(`at most ${MAX_TERMS_LENGTH} characters`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    bad('not valid JSON');
  }
  const doc = record(raw, 'the document');
  const fields = ['compliance', 'custody', 'issuers', 'maxClockSkewSeconds', 'maxHoldSeconds', 'members'];
  const extra = Object.keys(doc).filter((k) => !fields.includes(k));
  if (extra.length > 0) bad(`unknown field ${JSON.stringify(extra[0]?.slice(0, 32))}`);
  const missing = fields.filter((k) => !(k in doc));
  if (missing.length > 0) bad(`missing field ${missing[0]}`);
  const members = mspList(doc.members, 'members');
  if (members.length === 0) bad('members must name at least one MSP');
  const issuers: Record<string, string[]> = {};
  for (const [currency, list] of Object.entries(record(doc.issuers, 'issuers'))) {
    if (!Object.prototype.hasOwnProperty.call(CURRENCIES, currency)) {
      bad(`issuers names ${JSON.stringify(currency.slice(0, 8))}, which is not in the currency table`);
    }
    const msps = mspList(list, `issuers.${currency}`);
    if (msps.some((m) => !members.includes(m))) bad(`issuers.${currency} must name members only`);
    if (msps.length > 0) issuers[currency] = msps;
  }
  const compliance: Record<string, string[]> = {};
  for (const [mspId, list] of Object.entries(record(doc.compliance, 'compliance'))) {
    if (!members.includes(mspId)) bad('compliance grants must be held by members');
    const msps = mspList(list, `compliance.${mspId}`);
    if (msps.length > 0) compliance[mspId] = msps;
  }
  if (typeof doc.custody !== 'boolean') bad('custody must be true or false');
  return {
    members,
    issuers,
    compliance,
    maxClockSkewSeconds: wholeSeconds(doc.maxClockSkewSeconds, 'maxClockSkewSeconds', 1, 3600),
    maxHoldSeconds: wholeSeconds(doc.maxHoldSeconds, 'maxHoldSeconds', 60, 366 * 24 * 3600),
    custody: doc.custody,
  };
}

/** SHA-256 (hex) of the canonical terms: what each org's endorsers are configured with for genesis. */
export function termsDigest(terms: GovernanceTerms): string {
  return createHash('sha256').update(canonicalJson(terms)).digest('hex');
}

function termsOf(g: Governance): GovernanceTerms {
  const { version: _v, updatedAt: _u, ...terms } = g;
  return terms;
}

/**
 * Writes the genesis governance. Once only; by an org admin of one of the
 * named members; and every endorser refuses terms other than the ones its
 * operator configured, so a genesis needs the endorsement of orgs that
 * agreed to exactly these terms. A replay of the same genesis returns it.
 */
export async function initGovernance(ctx: PaymentsContext, json: string): Promise<Governance> {
  const terms = parseTerms(json);
  const caller = ctx.caller;
  if (!caller.admin || !terms.members.includes(caller.mspId)) {
    throw fail('FORBIDDEN', 'genesis governance is written by an org admin of one of its members');
  }
  const existing = await ctx.governanceOrNull();
  if (existing) {
    if (existing.version === 1 && canonicalJson(termsOf(existing)) === canonicalJson(terms)) {
      return existing;
    }
    throw fail('GOVERNANCE_EXISTS', `governance is at version ${existing.version}; change it by proposal`);
  }
  const configured = endorser().genesisSha256;
  const digest = termsDigest(terms);
  if (configured !== digest) {
    throw fail(
      'GENESIS_MISMATCH',
      configured
        ? `this endorser was configured with genesis ${configured.slice(0, 16)}…, not ${digest.slice(0, 16)}…`
        : 'this endorser was configured with no genesis governance (FABPAY_GOVERNANCE_GENESIS_SHA256)',
    );
  }
  const governance: Governance = { ...terms, version: 1, updatedAt: ctx.now };
  await ctx.state.put(KEY.governance, [], governance);
  emit(ctx.stub, 'GovernanceInitialized', governance);
  return governance;
}

async function apply(ctx: PaymentsContext, current: Governance, proposal: GovernanceProposal): Promise<void> {
  const governance: Governance = { ...proposal.terms, version: current.version + 1, updatedAt: ctx.now };
  const applied: GovernanceProposal = { ...proposal, status: 'applied', decidedAt: ctx.now };
  await ctx.state.put(KEY.governance, [], governance);
  await ctx.state.put(KEY.proposal, [proposal.proposer, proposal.proposalId], applied);
  emit(ctx.stub, 'GovernanceChanged', { proposal: applied, governance });
  Object.assign(proposal, applied);
}

function approvedByMajority(current: Governance, approvals: string[]): boolean {
  return approvals.filter((m) => current.members.includes(m)).length >= majorityOf(current.members);
}

/**
 * Proposes new governance terms (an org admin of a member). The proposer's
 * org counts as the first approval; a proposal ID is scoped within the
 * proposing MSP. With a single member the change applies at once.
 */
export async function proposeGovernance(
  ctx: PaymentsContext,
  proposalId: string,
  json: string,
): Promise<GovernanceProposal> {
  requireId(proposalId, 'proposalId');
  const terms = parseTerms(json);
  const current = await ctx.governance();
  const caller = ctx.caller;
  requireMemberAdmin(caller, current);
  if (await ctx.state.get<GovernanceProposal>(KEY.proposal, [caller.mspId, proposalId])) {
    throw fail('DUPLICATE_PROPOSAL', `proposal ${proposalId} of ${caller.mspId} already exists`);
  }
  const proposal: GovernanceProposal = {
    proposalId,
    proposer: caller.mspId,
    proposedBy: caller.owner,
    baseVersion: current.version,
    terms,
    approvals: [caller.mspId],
    status: 'open',
    createdAt: ctx.now,
    decidedAt: '',
  };
  if (approvedByMajority(current, proposal.approvals)) {
    await apply(ctx, current, proposal);
    return proposal;
  }
  await ctx.state.put(KEY.proposal, [caller.mspId, proposalId], proposal);
  emit(ctx.stub, 'GovernanceProposed', proposal);
  return proposal;
}

/**
 * Approves a proposal on behalf of the caller's org (an org admin of a
 * member). The approval that reaches a majority of the current members
 * applies the change, provided governance is still at the proposal's base
 * version (otherwise PROPOSAL_STALE: propose again on the new version). A
 * second approval by the same org changes nothing.
 */
export async function approveGovernance(
  ctx: PaymentsContext,
  proposer: string,
  proposalId: string,
): Promise<GovernanceProposal> {
  requireId(proposalId, 'proposalId');
  const current = await ctx.governance();
  const caller = ctx.caller;
  requireMemberAdmin(caller, current);
  const proposal = await loadProposal(ctx, proposer, proposalId);
  if (proposal.status !== 'open') {
    throw fail('PROPOSAL_NOT_OPEN', `proposal ${proposalId} of ${proposer} is ${proposal.status}`);
  }
  if (proposal.baseVersion !== current.version) {
    throw fail(
      'PROPOSAL_STALE',
      `proposal ${proposalId} of ${proposer} was made on governance version ${proposal.baseVersion}; it is now ${current.version}`,
    );
  }
  if (proposal.approvals.includes(caller.mspId)) {
    return proposal;
  }
  const approved: GovernanceProposal = {
    ...proposal,
    approvals: [...proposal.approvals, caller.mspId].sort(),
  };
  if (approvedByMajority(current, approved.approvals)) {
    await apply(ctx, current, approved);
    return approved;
  }
  await ctx.state.put(KEY.proposal, [proposer, proposalId], approved);
  emit(ctx.stub, 'GovernanceApproved', approved);
  return approved;
}

async function loadProposal(
  ctx: PaymentsContext,
  proposer: string,
  proposalId: string,
): Promise<GovernanceProposal> {
  if (!isValidMspId(proposer)) {
    throw fail('INVALID_ARGUMENT', 'proposer must be an MSP ID');
  }
  const proposal = await ctx.state.get<GovernanceProposal>(KEY.proposal, [proposer, proposalId]);
  if (!proposal) {
    throw fail('PROPOSAL_NOT_FOUND', `proposal ${proposalId} of ${proposer} does not exist`);
  }
  return proposal;
}

/** The effective governance. */
export function getGovernance(ctx: PaymentsContext): Promise<Governance> {
  return ctx.governance();
}

/** An open proposal made on an older version than the current one can no longer apply. */
function withStatus(p: GovernanceProposal, current: Governance | null): GovernanceProposal {
  return p.status === 'open' && current && p.baseVersion !== current.version ? { ...p, status: 'stale' } : p;
}

/** One proposal (an open one made on an older version is reported stale). */
export async function getGovernanceProposal(
  ctx: PaymentsContext,
  proposer: string,
  proposalId: string,
): Promise<GovernanceProposal> {
  requireId(proposalId, 'proposalId');
  return withStatus(await loadProposal(ctx, proposer, proposalId), await ctx.governanceOrNull());
}

/** Proposals (open, applied and stale), by proposing MSP then ID. */
export async function listGovernanceProposals(
  ctx: PaymentsContext,
  pageSize: string,
  bookmark: string,
): Promise<Page<GovernanceProposal>> {
  const page = await ctx.state.page<GovernanceProposal>(KEY.proposal, [], pageSizeOf(pageSize), bookmark);
  const current = await ctx.governanceOrNull();
  return { ...page, items: page.items.map((p) => withStatus(p, current)) };
}
