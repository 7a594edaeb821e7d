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
  sourceId: string;
  at: string;
}

export interface Payment {
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
  closedAt: string;
}

export interface Refund {
  refundId: string;
  paymentId: string;
  from: string;
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

export interface Limits {
  accountId: string;
  /** "" = no limit. */
  perPayment: string;
  perDay: string;
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
