/**
 * Result shapes of the payments chaincode (chaincode/README.md,
 * chaincode/src/model.ts), restated here so the client does not depend on
 * the chaincode package. Amounts are decimal strings of integer minor units
 * (never JS numbers); times are ISO-8601 UTC strings.
 */

export type AccountStatus = 'active' | 'frozen' | 'closed';

export interface Account {
  accountId: string;
  /** `"<MSP ID>::<client identity ID>"`. */
  owner: string;
  currency: string;
  status: AccountStatus;
  openedAt: string;
  updatedAt: string;
  frozenReason: string;
}

export interface Balance {
  accountId: string;
  currency: string;
  /** Spendable now (settled + pending credits). */
  available: string;
  held: string;
  pending: string;
  pendingCount: number;
  settled: string;
}

export interface Credit {
  creditId: string;
  accountId: string;
  amount: string;
  currency: string;
  source: 'payment' | 'refund' | 'capture' | 'issue';
  /** The source's scoped ID: `<payer>:<paymentId>`, `<paymentId>:<refundId>`, `<payer>:<holdId>`, `<MSP>:<operationId>`. */
  sourceId: string;
  at: string;
}

export interface Payment {
  /** Caller-chosen, scoped within the payer account `from`: look a payment up by (from, paymentId). */
  paymentId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  reference: string;
  via: 'owner' | 'allowance';
  initiator: string;
  status: 'settled';
  refunded: string;
  at: string;
  txId: string;
}

export type HoldStatus = 'authorized' | 'captured' | 'released' | 'expired';

export interface Hold {
  holdId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  expiresAt: string;
  status: HoldStatus;
  captured: string;
  initiator: string;
  createdAt: string;
  /** Time of capture, release or expiry; "" while authorized. */
  closedAt: string;
  /**
   * UTC day (`yyyy-mm-dd`) whose daily-limit counter the hold was counted against ("" when no
   * daily limit applied); release and expiry give the uncaptured amount back to that day.
   */
  limitDay: string;
}

export interface Refund {
  refundId: string;
  /** The refunded payment (scoped within `to`, the payment's payer account). */
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

export interface Issuance {
  operationId: string;
  kind: 'issue' | 'redeem';
  accountId: string;
  currency: string;
  amount: string;
  initiator: string;
  at: string;
}

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
 * Per-account limits in two layers: compliance's (only compliance changes them) and the owner's
 * (never looser than compliance's). Debits obey `effective`, the tighter of the two per limit.
 */
export interface Limits {
  accountId: string;
  compliance: LimitPair;
  owner: LimitPair;
  effective: LimitPair;
}

/**
 * The payments governance: members, role grants and time bounds. Every field is required and no
 * other is accepted by the chaincode, so two orgs that agree on the terms agree on their bytes.
 */
export interface GovernanceTerms {
  /** Member MSP IDs; only members' identities may submit transactions. */
  members: string[];
  /** Currency -> MSP IDs whose `issuer` identities may issue and redeem it. */
  issuers: Record<string, string[]>;
  /** Compliance MSP -> MSP IDs whose customers' accounts its `compliance` identities may freeze and limit. */
  compliance: Record<string, string[]>;
  /** Largest accepted distance between a proposal's timestamp and the endorser's clock. */
  maxClockSkewSeconds: number;
  /** Longest a hold may be authorized for. */
  maxHoldSeconds: number;
  /** Key-level endorsement on account keys: the owner's org must endorse every change. */
  custody: boolean;
}

/** The effective governance. */
export interface Governance extends GovernanceTerms {
  /** 1 at genesis, +1 per applied proposal. */
  version: number;
  updatedAt: string;
}

/** Open until a majority approves (applied); an open one made on an older governance version is reported stale. */
export type ProposalStatus = 'open' | 'applied' | 'stale';

/** A proposed governance change: complete new terms against a base version. */
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

/** Payload of GovernanceChanged: the applied proposal and the governance it produced. */
export interface GovernanceChange {
  proposal: GovernanceProposal;
  governance: Governance;
}

export interface Supply {
  currency: string;
  issued: string;
  redeemed: string;
  outstanding: string;
}

export interface HistoryEntry {
  accountId: string;
  kind: 'payment' | 'refund' | 'capture';
  /** paymentId, `<paymentId>:<refundId>` or holdId (each scoped within the payer's account). */
  id: string;
  direction: 'in' | 'out';
  counterparty: string;
  amount: string;
  currency: string;
  at: string;
}

export interface Fold {
  accountId: string;
  creditIds: string[];
  amount: string;
  available: string;
  held: string;
}

export interface ConservationLine {
  currency: string;
  available: string;
  held: string;
  pending: string;
  total: string;
  issued: string;
  redeemed: string;
  outstanding: string;
  /** total === outstanding. */
  balanced: boolean;
}

export interface Page<T> {
  items: T[];
  /** "" when there are no more pages. */
  bookmark: string;
  count: number;
}

export interface CallerInfo {
  owner: string;
  mspId: string;
  id: string;
  role: string;
  admin: boolean;
}

export interface Currency {
  code: string;
  exponent: number;
}

/** Event name -> payload type; each state-changing transaction emits one event. */
export interface PaymentEventPayloads {
  AccountOpened: Account;
  AccountClosed: Account;
  AccountFrozen: Account;
  AccountUnfrozen: Account;
  LimitsSet: Limits;
  Issued: Issuance;
  Redeemed: Issuance;
  AllowanceApproved: Allowance;
  PaymentSettled: Payment;
  HoldAuthorized: Hold;
  HoldCaptured: Hold;
  HoldReleased: Hold;
  HoldExpired: Hold;
  PaymentRefunded: Refund;
  CreditsFolded: Fold;
  GovernanceInitialized: Governance;
  GovernanceProposed: GovernanceProposal;
  GovernanceApproved: GovernanceProposal;
  GovernanceChanged: GovernanceChange;
}

export type PaymentEventName = keyof PaymentEventPayloads;

/** A decoded payments event. */
export type PaymentEvent = {
  [N in PaymentEventName]: {
    readonly name: N;
    readonly payload: PaymentEventPayloads[N];
    readonly transactionId: string;
    readonly blockNumber: bigint;
  };
}[PaymentEventName];
