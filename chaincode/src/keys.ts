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
  /** [accountId] → settled balance {available, held}. Read and written only by debits of that account and by folds. */
  balance: 'fabpay.balance',
  /** [accountId, creditId] → pending credit; written blind by the transaction that credits the account, deleted by a fold. */
  credit: 'fabpay.credit',
  /** [accountId, yyyy-mm-dd] → amount debited that UTC day (daily limit). */
  spent: 'fabpay.spent',
  /** [accountId] → Limits. */
  limits: 'fabpay.limits',
  /** [accountId, spender] → Allowance. */
  allowance: 'fabpay.allowance',
  /** [paymentId] → Payment. */
  payment: 'fabpay.payment',
  /** [paymentId] → {refunded}: refund total, kept apart so the payment record (the replay result) never changes. */
  refunded: 'fabpay.refunded',
  /** [holdId] → Hold. */
  hold: 'fabpay.hold',
  /** [refundId] → Refund. */
  refund: 'fabpay.refund',
  /** [operationId] → Issuance (issue and redeem). */
  operation: 'fabpay.operation',
  /** [currency] → Supply totals. */
  supply: 'fabpay.supply',
  /** [accountId, invertedTime, entryId] → HistoryEntry; written blind, newest first in key order. */
  history: 'fabpay.history',
} as const;

/** Schema pattern for caller-chosen IDs. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const ID_RE = new RegExp(ID_PATTERN);

/** True for a valid caller-chosen ID (account, payment, hold, refund, operation). */
export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}

/**
 * A credit ID names its source, so it is unique without randomness: the
 * source IDs are themselves unique (`p.` payment, `r.` refund, `h.` hold
 * capture, `i.` issuance).
 */
export const CREDIT_ID_PATTERN = '^[prhi]\\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** Comma-separated list of 1..100 credit IDs (the foldCredits parameter). */
export const CREDIT_ID_LIST_PATTERN =
  '^[prhi]\\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}(,[prhi]\\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,99}$';

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
