/**
 * The stable rejection codes of the payments chaincode. Every rejection it
 * makes on purpose carries one (see error-message.ts), so clients map
 * rejections to typed errors without parsing free text. Order is the
 * documentation's order; append new codes rather than reuse old ones.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_AMOUNT',
  'UNSUPPORTED_CURRENCY',
  'CURRENCY_MISMATCH',
  'ACCOUNT_EXISTS',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'BALANCE_NOT_ZERO',
  'SAME_ACCOUNT',
  'FORBIDDEN',
  'INSUFFICIENT_FUNDS',
  'INSUFFICIENT_ALLOWANCE',
  'LIMIT_EXCEEDED',
  'DAILY_LIMIT_EXCEEDED',
  'DUPLICATE_PAYMENT',
  'DUPLICATE_OPERATION',
  'DUPLICATE_HOLD',
  'DUPLICATE_REFUND',
  'PAYMENT_NOT_FOUND',
  'HOLD_NOT_FOUND',
  'HOLD_NOT_ACTIVE',
  'HOLD_EXPIRED',
  'HOLD_NOT_EXPIRED',
  'REFUND_NOT_FOUND',
  'REFUND_EXCEEDS_PAYMENT',
  'CREDIT_NOT_FOUND',
  'UNKNOWN_TRANSACTION',
  'CLOCK_SKEW',
  'ALLOWANCE_MISMATCH',
  'OPERATION_NOT_FOUND',
  'GOVERNANCE_NOT_SET',
  'GOVERNANCE_EXISTS',
  'GENESIS_MISMATCH',
  'DUPLICATE_PROPOSAL',
  'PROPOSAL_NOT_FOUND',
  'PROPOSAL_NOT_OPEN',
  'PROPOSAL_STALE',
  'INTERNAL',
  'ORG_NOT_MEMBER',
  'DUPLICATE_BATCH',
  'BATCH_NOT_FOUND',
] as const;

/** A stable rejection code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * True if `code` is one of {@link ERROR_CODES}. A client talking to a newer
 * chaincode may see codes it does not know: they are strings, not errors.
 */
export function isErrorCode(code: string): code is ErrorCode {
  return CODES.has(code);
}
