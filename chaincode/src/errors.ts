/*
 * Every error the chaincode throws on purpose is a {@link ChaincodeError}
 * whose message is `CODE: detail`; the codes and the format are
 * @fabpay/model's, shared with the clients that map them to typed errors.
 */
import { formatErrorMessage, isErrorCode, parseErrorMessage, type ErrorCode } from '@fabpay/model';

/** An intentional rejection; `message` is `"<code>: <detail>"`. */
export class ChaincodeError extends Error {
  /** The stable code, also the message prefix. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail: string) {
    super(formatErrorMessage(code, detail));
    this.name = 'ChaincodeError';
    this.code = code;
  }
}

/** True if `message` starts with a known code and `": "` (what {@link ChaincodeError} makes). */
export function hasStableCode(message: string): boolean {
  const parsed = parseErrorMessage(message);
  return parsed !== undefined && isErrorCode(parsed.code) && message.startsWith(`${parsed.code}: `);
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
