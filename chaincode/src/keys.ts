/**
 * Composite-key object types. Each record kind has its own namespace so range
 * scans over one kind never see another. Which transaction reads or writes
 * which key is what decides MVCC conflicts, so the layout is part of the
 * hot-account design (see README "Hot accounts").
 */
export const KEY = {
  /** [accountId] → Account descriptor (owner, currency, status). Written only by open/close/freeze/unfreeze. */
  account: 'fabpay.account',
  /** [owner, accountId] → marker; index for listAccountsByOwner. */
  owner: 'fabpay.owner',
  /**
   * [accountId] → settled balance {available, held}. Read and written only by debits of that
   * account and by folds. A sharded account's shard 0 is this key and shard i (1..63) is
   * [accountId, "ii"] (two digits), so balance scans still see every sub-balance of an account.
   */
  balance: 'fabpay.balance',
  /** [accountId, creditId] → pending credit; written blind by the transaction that credits the account, deleted by a fold. */
  credit: 'fabpay.credit',
  /**
   * [accountId, yyyy-mm-dd] → amount debited that UTC day (daily limit); a sharded account's
   * shard i (1..63) counts under [accountId, yyyy-mm-dd, "ii"].
   */
  spent: 'fabpay.spent',
  /** [accountId] → Limits. */
  limits: 'fabpay.limits',
  /** [accountId, spender] → Allowance. */
  allowance: 'fabpay.allowance',
  /** [from, paymentId] → Payment. Payment IDs are scoped within the payer's account. */
  payment: 'fabpay.payment',
  /**
   * [from, batchId] → PaymentBatch (its lines are Payments under `payment`). Batch IDs are scoped
   * within the payer's account; the record is the batch's idempotency key and replay result.
   */
  batch: 'fabpay.batch',
  /** [from, paymentId] → {refunded}: refund total, kept apart so the payment record (the replay result) never changes. */
  refunded: 'fabpay.refunded',
  /** [from, holdId] → Hold. Hold IDs are scoped within the payer's account. */
  hold: 'fabpay.hold',
  /** [from, paymentId, refundId] → Refund. Refund IDs are scoped within the payment. */
  refund: 'fabpay.refund',
  /** [mspId, currency, operationId] → Issuance. Operation IDs are scoped within the issuing MSP and currency. */
  operation: 'fabpay.operation',
  /** [] → Governance: members, role grants, clock skew, hold duration, custody. */
  governance: 'fabpay.governance',
  /** [proposerMspId, proposalId] → GovernanceProposal. Proposal IDs are scoped within the proposing MSP. */
  proposal: 'fabpay.proposal',
  /** [currency] → Supply totals. */
  supply: 'fabpay.supply',
  /** [accountId, invertedTime, entryId] → HistoryEntry; written blind, newest first in key order. */
  history: 'fabpay.history',
} as const;

/** Largest epoch milliseconds we order by (year 2286); history keys sort by its complement. */
const MAX_MILLIS = 9_999_999_999_999;

/**
 * Key component that sorts newer times first: a plain ascending range scan
 * over the history index then yields newest-first pages without reading
 * everything.
 */
export function invertedTime(millis: number): string {
  return String(MAX_MILLIS - millis).padStart(13, '0');
}
