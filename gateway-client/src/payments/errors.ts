/**
 * Typed errors for the payments chaincode's documented error codes
 * (chaincode/README.md "Error codes"). Each code maps to a category class,
 * so callers can catch broadly (`instanceof PaymentNotFoundError`) or
 * precisely (`err.paymentCode === 'HOLD_EXPIRED'`).
 */
import { ChaincodeError } from '../errors';

/** Every error code the payments chaincode documents. */
export const PAYMENT_ERROR_CODES = [
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
] as const;

export type PaymentErrorCode = (typeof PAYMENT_ERROR_CODES)[number];

/** Broad kinds of rejection, for callers that handle classes of errors alike. */
export type PaymentErrorCategory =
  'validation' | 'not-found' | 'forbidden' | 'funds' | 'limit' | 'state' | 'duplicate' | 'unknown';

const CATEGORY: Record<PaymentErrorCode, PaymentErrorCategory> = {
  INVALID_ARGUMENT: 'validation',
  INVALID_AMOUNT: 'validation',
  UNSUPPORTED_CURRENCY: 'validation',
  CURRENCY_MISMATCH: 'validation',
  SAME_ACCOUNT: 'validation',
  UNKNOWN_TRANSACTION: 'validation',
  ACCOUNT_NOT_FOUND: 'not-found',
  PAYMENT_NOT_FOUND: 'not-found',
  HOLD_NOT_FOUND: 'not-found',
  REFUND_NOT_FOUND: 'not-found',
  CREDIT_NOT_FOUND: 'not-found',
  FORBIDDEN: 'forbidden',
  INSUFFICIENT_FUNDS: 'funds',
  INSUFFICIENT_ALLOWANCE: 'funds',
  REFUND_EXCEEDS_PAYMENT: 'funds',
  LIMIT_EXCEEDED: 'limit',
  DAILY_LIMIT_EXCEEDED: 'limit',
  ACCOUNT_EXISTS: 'state',
  ACCOUNT_FROZEN: 'state',
  ACCOUNT_CLOSED: 'state',
  BALANCE_NOT_ZERO: 'state',
  HOLD_NOT_ACTIVE: 'state',
  HOLD_EXPIRED: 'state',
  HOLD_NOT_EXPIRED: 'state',
  DUPLICATE_PAYMENT: 'duplicate',
  DUPLICATE_OPERATION: 'duplicate',
  DUPLICATE_HOLD: 'duplicate',
  DUPLICATE_REFUND: 'duplicate',
};

/** A payments chaincode rejection. `paymentCode` is the chaincode's code. */
export class PaymentsError extends ChaincodeError {
  constructor(
    /** A {@link PaymentErrorCode}, or the chaincode's code verbatim if it is not (yet) in the list. */
    readonly paymentCode: string,
    readonly category: PaymentErrorCategory,
    message: string,
    transactionId?: string,
    options?: { cause?: unknown },
  ) {
    super(paymentCode, message, transactionId, options);
  }
}
/** Bad input: malformed ID or amount, unknown currency, wrong argument count. */
export class PaymentValidationError extends PaymentsError {}
/** Account, payment, hold, refund or credit does not exist. */
export class PaymentNotFoundError extends PaymentsError {}
/** The caller's identity may not do this. */
export class PaymentForbiddenError extends PaymentsError {}
/** Not enough balance or allowance, or refund above the payment. */
export class InsufficientFundsError extends PaymentsError {}
/** A per-payment or daily limit would be exceeded. */
export class LimitExceededError extends PaymentsError {}
/** The object is in the wrong state (frozen, closed, hold not active, ...). */
export class PaymentStateError extends PaymentsError {}
/** The idempotency ID was already used for a different request. */
export class DuplicateIdError extends PaymentsError {}

const CLASS: Record<PaymentErrorCategory, typeof PaymentsError> = {
  validation: PaymentValidationError,
  'not-found': PaymentNotFoundError,
  forbidden: PaymentForbiddenError,
  funds: InsufficientFundsError,
  limit: LimitExceededError,
  state: PaymentStateError,
  duplicate: DuplicateIdError,
  unknown: PaymentsError,
};

function isPaymentErrorCode(code: string): code is PaymentErrorCode {
  return (PAYMENT_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Converts a generic ChaincodeError into the typed payments error; other
 * errors pass through unchanged. fabric-contract-api's own parameter-count
 * message carries no code and maps to INVALID_ARGUMENT.
 */
export function toPaymentsError(err: unknown): unknown {
  if (!(err instanceof ChaincodeError) || err instanceof PaymentsError) return err;
  let code = err.chaincodeCode;
  if (!isPaymentErrorCode(code) && /^Expected \d+ parameters/.test(err.chaincodeMessage))
    code = 'INVALID_ARGUMENT';
  const category = isPaymentErrorCode(code) ? CATEGORY[code] : 'unknown';
  const Class = CLASS[category];
  return new Class(code, category, err.chaincodeMessage, err.transactionId, { cause: err });
}
