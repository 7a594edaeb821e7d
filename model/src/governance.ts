import { arrayOf, BOOLEAN, enumOf, INTEGER, objectSchema, STRING, type MapSchema } from './schema';

/**
 * The payments governance: who belongs, who holds which role for what, and
 * the bounds on time. Changed only by proposals approved by a majority of the
 * member organisations. Every field is required and no other is accepted, so
 * two orgs that agree on the terms agree on their bytes.
 */
export interface GovernanceTerms {
  /** Member MSP IDs, sorted. Only members' identities may submit transactions. */
  members: string[];
  /** Currency → MSP IDs (sorted) whose `issuer` identities may issue and redeem it. */
  issuers: Record<string, string[]>;
  /**
   * Compliance MSP → MSP IDs (sorted) whose customers' accounts its
   * `compliance` identities may freeze, unfreeze and limit.
   */
  compliance: Record<string, string[]>;
  /** Largest accepted difference between a proposal's timestamp and the endorser's clock. */
  maxClockSkewSeconds: number;
  /** Longest a hold may be authorized for. */
  maxHoldSeconds: number;
  /** Key-level endorsement on account keys (the owner's org must endorse every change). */
  custody: boolean;
}

const MSP_LISTS: MapSchema<string[]> = { type: 'object', additionalProperties: arrayOf<string>(STRING) };

/** Schema of {@link GovernanceTerms}. */
export const GOVERNANCE_TERMS_SCHEMA = objectSchema<GovernanceTerms>({
  members: arrayOf<string>(STRING),
  issuers: MSP_LISTS,
  compliance: MSP_LISTS,
  maxClockSkewSeconds: INTEGER,
  maxHoldSeconds: INTEGER,
  custody: BOOLEAN,
});

/** The effective governance. */
export interface Governance extends GovernanceTerms {
  /** 1 at genesis, +1 per applied proposal. */
  version: number;
  updatedAt: string;
}

/** Schema of {@link Governance}. */
export const GOVERNANCE_SCHEMA = objectSchema<Governance>({
  ...GOVERNANCE_TERMS_SCHEMA.properties,
  version: INTEGER,
  updatedAt: STRING,
});

/**
 * Proposal states: open until a majority approves (applied). A proposal still
 * open when another change applies can never apply (it was made on an older
 * version); queries report it as stale.
 */
export const PROPOSAL_STATUSES = ['open', 'applied', 'stale'] as const;

/** Proposal lifecycle (see {@link PROPOSAL_STATUSES}). */
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A proposed governance change: the complete new terms, against a base version. */
export interface GovernanceProposal {
  proposalId: string;
  /** MSP ID of the proposing org (the proposal ID's scope). */
  proposer: string;
  /** Owner string of the admin who proposed it. */
  proposedBy: string;
  /** Governance version the change replaces; it applies only on top of that version. */
  baseVersion: number;
  terms: GovernanceTerms;
  /** MSP IDs whose admins approved (the proposer's included), sorted. */
  approvals: string[];
  status: ProposalStatus;
  createdAt: string;
  /** When it applied; "" while open. */
  decidedAt: string;
}

/** Schema of {@link GovernanceProposal}. */
export const GOVERNANCE_PROPOSAL_SCHEMA = objectSchema<GovernanceProposal>({
  proposalId: STRING,
  proposer: STRING,
  proposedBy: STRING,
  baseVersion: INTEGER,
  terms: GOVERNANCE_TERMS_SCHEMA,
  approvals: arrayOf<string>(STRING),
  status: enumOf(PROPOSAL_STATUSES),
  createdAt: STRING,
  decidedAt: STRING,
});

/** Event payload of an approval that made a change take effect: the proposal and the governance it produced. */
export interface GovernanceChange {
  proposal: GovernanceProposal;
  governance: Governance;
}

/** Schema of {@link GovernanceChange}. */
export const GOVERNANCE_CHANGE_SCHEMA = objectSchema<GovernanceChange>({
  proposal: GOVERNANCE_PROPOSAL_SCHEMA,
  governance: GOVERNANCE_SCHEMA,
});
