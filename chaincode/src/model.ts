/**
 * Record and result shapes. All amounts are decimal strings of minor units;
 * all times are ISO-8601 UTC strings from the transaction timestamp.
 */

/** Account lifecycle. */
export type AccountStatus = 'active' | 'frozen' | 'closed';

/** Account descriptor. */
export interface Account {
  accountId: string;
  /** `"<MSP ID>::<getID()>"` of the owner. */
  owner: string;
  currency: string;
  status: AccountStatus;
  openedAt: string;
  updatedAt: string;
  /** Reason given by compliance when frozen; "" otherwise. */
  frozenReason: string;
}

/** Settled balance record (state). Pending credits are kept apart. */
export interface BalanceRecord {
  available: string;
  held: string;
}

/** Balance query result. */
export interface Balance {
  accountId: string;
  currency: string;
  /** Spendable now: settled available + pending credits. */
  available: string;
  /** Reserved by authorized holds. */
  held: string;
  /** Part of `available` still in unfolded credit records. */
  pending: string;
  pendingCount: number;
  /** Settled available (what a debit may use without folding). */
  settled: string;
}

/** Where a pending credit came from. */
export type CreditSource = 'payment' | 'refund' | 'capture' | 'issue';

/** Pending credit record (blind write, folded later). */
export interface Credit {
  creditId: string;
  accountId: string;
  amount: string;
  currency: string;
  source: CreditSource;
  /** The source's scoped ID: `<payer>:<paymentId>`, `<paymentId>:<refundId>`, `<payer>:<holdId>`, `<MSP>:<operationId>`. */
  sourceId: string;
  at: string;
}

/** How a payment was authorized. */
export type PaymentVia = 'owner' | 'allowance';

/** Settled payment. */
export interface Payment {
  paymentId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  reference: string;
  via: PaymentVia;
  /** Owner string of the submitter. */
  initiator: string;
  status: 'settled';
  /**
   * Sum of refunds so far. "0" in the pay result, its event and idempotent
   * replays (the original result); getPayment reports the current total.
   */
  refunded: string;
  at: string;
  txId: string;
}

/** Hold lifecycle. */
export type HoldStatus = 'authorized' | 'captured' | 'released' | 'expired';

/** Card-style hold. */
export interface Hold {
  holdId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  expiresAt: string;
  status: HoldStatus;
  /** Amount captured (0 unless captured). */
  captured: string;
  initiator: string;
  createdAt: string;
  /** Time of capture/release/expiry; "" while authorized. */
  closedAt: string;
  /**
   * UTC day whose daily-limit counter this hold was counted against ("" when
   * no daily limit applied); release and expiry give the uncaptured amount
   * back to that day's counter.
   */
  limitDay: string;
}

/** Refund of (part of) a settled payment. */
export interface Refund {
  refundId: string;
  paymentId: string;
  /** Payee of the original payment (debited). */
  from: string;
  /** Payer of the original payment (credited). */
  to: string;
  amount: string;
  currency: string;
  reason: string;
  initiator: string;
  at: string;
}

/** Issue or redeem record. */
export interface Issuance {
  operationId: string;
  kind: 'issue' | 'redeem';
  accountId: string;
  currency: string;
  amount: string;
  initiator: string;
  at: string;
}

/** Spending allowance granted by an account owner. */
export interface Allowance {
  accountId: string;
  spender: string;
  amount: string;
}

/** One layer of limits; "" = no limit. */
export interface LimitPair {
  perPayment: string;
  perDay: string;
}

/**
 * Per-account limits in two layers: compliance's (only compliance changes
 * them) and the owner's (may only be tighter). Debits obey `effective`, the
 * tighter of the two for each limit.
 */
export interface Limits {
  accountId: string;
  compliance: LimitPair;
  owner: LimitPair;
  effective: LimitPair;
}

/**
 * The payments governance: who belongs, who holds which role for what, and
 * the bounds on time. Changed only by proposals approved by a majority of
 * the member organisations (see domain/governance.ts).
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

/** The effective governance. */
export interface Governance extends GovernanceTerms {
  /** 1 at genesis, +1 per applied proposal. */
  version: number;
  updatedAt: string;
}

/**
 * Proposal lifecycle: open until a majority approves (applied). A proposal
 * still open when another change applies can never apply (it was made on an
 * older version); queries report it as stale (it is not rewritten, so no
 * transaction has to touch every open proposal).
 */
export type ProposalStatus = 'open' | 'applied' | 'stale';

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

/** Event and result of an approval that made a change take effect. */
export interface GovernanceChange {
  proposal: GovernanceProposal;
  governance: Governance;
}

/** Per-currency supply totals. */
export interface Supply {
  currency: string;
  issued: string;
  redeemed: string;
  outstanding: string;
}

/** One line of an account's payment history. */
export interface HistoryEntry {
  accountId: string;
  kind: 'payment' | 'refund' | 'capture';
  /** paymentId, `<paymentId>:<refundId>` or holdId (each within the payer's account). */
  id: string;
  direction: 'in' | 'out';
  counterparty: string;
  amount: string;
  currency: string;
  at: string;
}

/** Result of foldCredits. */
export interface Fold {
  accountId: string;
  creditIds: string[];
  amount: string;
  available: string;
  held: string;
}

/** One currency in the conservation report. */
export interface ConservationLine {
  currency: string;
  available: string;
  held: string;
  pending: string;
  /** available + held + pending. */
  total: string;
  issued: string;
  redeemed: string;
  /** issued - redeemed. */
  outstanding: string;
  /** total === outstanding. */
  balanced: boolean;
}

/** Page of a paginated query. */
export interface Page<T> {
  items: T[];
  /** Pass to the next call; "" when there are no more pages. */
  bookmark: string;
  count: number;
}

/** The calling identity as the chaincode sees it. */
export interface CallerInfo {
  owner: string;
  mspId: string;
  id: string;
  role: string;
  admin: boolean;
}
