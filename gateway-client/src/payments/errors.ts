/**
 * Typed errors for the payments chaincode's error codes (@fabpay/model's ERROR_CODES, the list
 * the chaincode itself throws from). Each code maps to a category and a class, so callers can
 * catch broadly (`instanceof PaymentNotFoundError`) or precisely
 * (`err.paymentCode === 'HOLD_EXPIRED'`). `CATEGORY` below is a Record over the model's codes, so
 * a code added to the model does not compile here until it has a category.
 */
import { isErrorCode, type ErrorCode } from '@fabpay/model';
import { ChaincodeError } from '../errors';

// Under the names this package has always exported them by.
export { ERROR_CODES as PAYMENT_ERROR_CODES, isErrorCode as isPaymentErrorCode } from '@fabpay/model';

/** A documented payments error code. */
export type PaymentErrorCode = ErrorCode;

/**
 * Broad kinds of rejection, for callers that handle classes of errors alike.
 *
 * `clock` is its own category: CLOCK_SKEW says the proposal's timestamp (the caller's clock) and
 * an endorser's clock are further apart than governance allows. Nothing is wrong with the
 * request or with the objects it names, so it is neither `validation` nor `state` (callers
 * typically show those to the user); the same request succeeds once the clocks agree, and the
 * fix is operational (NTP on the client or the peer host). The client does not retry it itself:
 * a clock that is off now will still be off a moment later.
 */
export type PaymentErrorCategory =
  'validation' | 'not-found' | 'forbidden' | 'funds' | 'limit' | 'state' | 'duplicate' | 'clock' | 'unknown';

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
  OPERATION_NOT_FOUND: 'not-found',
  PROPOSAL_NOT_FOUND: 'not-found',
  BATCH_NOT_FOUND: 'not-found',
  FORBIDDEN: 'forbidden',
  // The endorser's operator configured other genesis terms: that org withholds its consent.
  GENESIS_MISMATCH: 'forbidden',
  INSUFFICIENT_FUNDS: 'funds',
  INSUFFICIENT_ALLOWANCE: 'funds',
  REFUND_EXCEEDS_PAYMENT: 'funds',
  LIMIT_EXCEEDED: 'limit',
  DAILY_LIMIT_EXCEEDED: 'limit',
  ACCOUNT_EXISTS: 'state',
  ACCOUNT_FROZEN: 'state',
  ACCOUNT_CLOSED: 'state',
  // The account's org left the payments governance: no money moves into or out of it.
  ORG_NOT_MEMBER: 'state',
  BALANCE_NOT_ZERO: 'state',
  HOLD_NOT_ACTIVE: 'state',
  HOLD_EXPIRED: 'state',
  HOLD_NOT_EXPIRED: 'state',
  // The allowance is no longer the one the caller read: read it again and decide again.
  ALLOWANCE_MISMATCH: 'state',
  // No governance yet: nothing but initGovernance runs.
  GOVERNANCE_NOT_SET: 'state',
  // Genesis was written already (with other terms), like ACCOUNT_EXISTS.
  GOVERNANCE_EXISTS: 'state',
  PROPOSAL_NOT_OPEN: 'state',
  // Another change applied first: propose again on the new version.
  PROPOSAL_STALE: 'state',
  DUPLICATE_PAYMENT: 'duplicate',
  DUPLICATE_OPERATION: 'duplicate',
  DUPLICATE_HOLD: 'duplicate',
  DUPLICATE_REFUND: 'duplicate',
  DUPLICATE_PROPOSAL: 'duplicate',
  // The batch ID was used for a batch with other lines or currency (replaying the same is fine).
  DUPLICATE_BATCH: 'duplicate',
  CLOCK_SKEW: 'clock',
  // A bug or an unexpected state in the chaincode: nothing the caller can act on.
  INTERNAL: 'unknown',
};

/** The category of a chaincode code (`unknown` for codes this version does not know). */
export function paymentErrorCategory(code: string): PaymentErrorCategory {
  return isErrorCode(code) ? CATEGORY[code] : 'unknown';
}

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
/** Bad input: malformed ID or amount, unknown currency, wrong argument count, unknown transaction. */
export class PaymentValidationError extends PaymentsError {}
/** Account, payment, batch, hold, refund, credit, operation or governance proposal does not exist. */
export class PaymentNotFoundError extends PaymentsError {}
/** The caller's identity (or its org, per governance) may not do this. */
export class PaymentForbiddenError extends PaymentsError {}
/** Not enough balance or allowance, or refund above the payment. */
export class InsufficientFundsError extends PaymentsError {}
/** A per-payment or daily limit would be exceeded. */
export class LimitExceededError extends PaymentsError {}
/** The object is in the wrong state (frozen, closed, hold not active, proposal stale, ...). */
export class PaymentStateError extends PaymentsError {}
/** approve's `expected` is not the current allowance (compare-and-set lost): read again. */
export class AllowanceMismatchError extends PaymentStateError {}
/** The idempotency ID was already used for a different request. */
export class DuplicateIdError extends PaymentsError {}
/** The proposal timestamp is too far from an endorser's clock (see {@link PaymentErrorCategory}). */
export class ClockSkewError extends PaymentsError {}
/** The chaincode failed unexpectedly (INTERNAL): report it, do not retry blindly. */
export class PaymentInternalError extends PaymentsError {}

const CLASS: Record<PaymentErrorCategory, typeof PaymentsError> = {
  validation: PaymentValidationError,
  'not-found': PaymentNotFoundError,
  forbidden: PaymentForbiddenError,
  funds: InsufficientFundsError,
  limit: LimitExceededError,
  state: PaymentStateError,
  duplicate: DuplicateIdError,
  clock: ClockSkewError,
  unknown: PaymentsError,
};

/** Codes with a class more precise than their category's. */
const CODE_CLASS: Partial<Record<PaymentErrorCode, typeof PaymentsError>> = {
  ALLOWANCE_MISMATCH: AllowanceMismatchError,
  INTERNAL: PaymentInternalError,
};

/**
 * Converts a generic ChaincodeError into the typed payments error; other errors pass through
 * unchanged. fabric-contract-api's own parameter-count message (older chaincode versions; the
 * current one answers INVALID_ARGUMENT itself) carries no code and maps to INVALID_ARGUMENT.
 */
export function toPaymentsError(err: unknown): unknown {
  if (!(err instanceof ChaincodeError) || err instanceof PaymentsError) return err;
  let code = err.chaincodeCode;
  if (!isErrorCode(code) && /^Expected \d+ parameters/.test(err.chaincodeMessage)) code = 'INVALID_ARGUMENT';
  const category = paymentErrorCategory(code);
  const Class = (isErrorCode(code) ? CODE_CLASS[code] : undefined) ?? CLASS[category];
  return new Class(code, category, err.chaincodeMessage, err.transactionId, { cause: err });
}
