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
  /** [from, paymentId] → Payment. Payment IDs are scoped within the payer's account. */
  payment: 'fabpay.payment',
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

const ID_BODY = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';
/** Schema pattern for caller-chosen IDs. */
export const ID_PATTERN = `^${ID_BODY}$`;
const ID_RE = new RegExp(ID_PATTERN);

/** True for a valid caller-chosen ID (account, payment, hold, refund, operation, proposal). */
export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}

/** MSP IDs as the topology and governance accept them (a letter first; no ":" or ","). */
export const MSP_ID_PATTERN = '^[A-Za-z][A-Za-z0-9._-]{0,63}$';
const MSP_ID_RE = new RegExp(MSP_ID_PATTERN);

/** True for an MSP ID governance can name. */
export function isValidMspId(id: string): boolean {
  return MSP_ID_RE.test(id);
}

/**
 * A credit ID names its source by its full scope, so it is unique without
 * randomness even though caller-chosen IDs are only unique within their
 * scope: `p:<payer>:<paymentId>`, `r:<paymentId>:<refundId>` (credited to the
 * payer, whose payment IDs are unique), `h:<payer>:<holdId>` (capture),
 * `i:<issuing MSP>:<operationId>` (the account fixes the currency). ":"
 * cannot occur in an ID, so the parts never run into each other.
 */
const CREDIT_ID_BODY = `[prhi]:${ID_BODY}:${ID_BODY}`;
export const CREDIT_ID_PATTERN = `^${CREDIT_ID_BODY}$`;
/** Longest credit ID: prefix, two IDs and two separators. */
export const MAX_CREDIT_ID_LENGTH = 2 + 64 + 1 + 64;
/** Comma-separated list of 1..100 credit IDs (the foldCredits parameter). */
export const CREDIT_ID_LIST_PATTERN = `^${CREDIT_ID_BODY}(,${CREDIT_ID_BODY}){0,99}$`;

/** Credit ID for a credit from `source`, scoped by `scope` (see {@link CREDIT_ID_PATTERN}). */
export function creditIdOf(
  source: 'payment' | 'refund' | 'capture' | 'issue',
  scope: [string, string],
): string {
  const prefix = { payment: 'p', refund: 'r', capture: 'h', issue: 'i' }[source];
  return `${prefix}:${scope[0]}:${scope[1]}`;
}

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
