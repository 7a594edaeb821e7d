/**
 * The one documented list of rejection codes. Every error the chaincode
 * throws on purpose is a {@link ChaincodeError} whose message starts with
 * `CODE: `, so clients can map rejections to typed errors without parsing
 * free text.
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
] as const;

/** A stable rejection code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An intentional rejection; `message` is `"<code>: <detail>"`. */
export class ChaincodeError extends Error {
  /** The stable code, also the message prefix. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}

/** Shorthand used by the domain modules: `throw fail('FORBIDDEN', '...')`. */
export function fail(code: ErrorCode, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}
