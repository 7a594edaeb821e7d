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

/** Per-account limits; "" = no limit. */
export interface Limits {
  accountId: string;
  perPayment: string;
  perDay: string;
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
