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

/** True if `message` starts with a stable code and `": "`. */
export function hasStableCode(message: string): boolean {
  const i = message.indexOf(': ');
  return i > 0 && (ERROR_CODES as readonly string[]).includes(message.slice(0, i));
}

/**
 * A short, escaped rendering of caller input for error messages: at most
 * `max` characters of it, JSON-quoted (so spaces and control characters are
 * visible), with the original length when it was cut. Messages never echo
 * more than this of what a caller sent.
 */
export function quote(input: string, max = 32): string {
  const head = JSON.stringify(input.slice(0, max));
  return input.length > max ? `${head}… (${input.length} characters)` : head;
}

/** Shorthand used by the domain modules: `throw fail('FORBIDDEN', '...')`. */
export function fail(code: ErrorCode, detail: string): ChaincodeError {
  return new ChaincodeError(code, detail);
}
