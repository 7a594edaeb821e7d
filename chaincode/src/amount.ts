import { AMOUNT_PATTERN, MAX_AMOUNT } from '@fabpay/model';
import { fail } from './errors';

// The amount rules are @fabpay/model's (clients check input against them too).
export { AMOUNT_PATTERN, MAX_AMOUNT };
/** Like {@link AMOUNT_PATTERN} but also accepts "0" (allowance revocation). */
export const AMOUNT_OR_ZERO_PATTERN = '^(0|[1-9][0-9]{0,24})$';
/** An amount or "" (meaning "no limit"). */
export const OPTIONAL_AMOUNT_PATTERN = '^([1-9][0-9]{0,24})?$';

const AMOUNT_RE = /^[1-9][0-9]*$/;

/**
 * Parses a positive amount of minor units. Throws `INVALID_AMOUNT` for
 * anything that is not a canonical positive decimal integer string within
 * {@link MAX_AMOUNT}; the canonical form matters because the amount is part
 * of idempotency comparisons and of state.
 */
export function parseAmount(value: unknown, what = 'amount'): bigint {
  if (typeof value !== 'string') {
    throw fail('INVALID_AMOUNT', `${what} must be a string of minor units`);
  }
  if (!AMOUNT_RE.test(value) || value.length > 25) {
    throw fail(
      'INVALID_AMOUNT',
      `${what} must be a positive decimal integer without sign or leading zeros, got ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  const n = BigInt(value);
  if (n > MAX_AMOUNT) {
    throw fail('INVALID_AMOUNT', `${what} exceeds the maximum of ${MAX_AMOUNT.toString()} minor units`);
  }
  return n;
}

/** Like {@link parseAmount} but "0" is allowed. */
export function parseAmountOrZero(value: unknown, what = 'amount'): bigint {
  return value === '0' ? 0n : parseAmount(value, what);
}

/** Like {@link parseAmount} but "" means "not set" and returns null. */
export function parseOptionalAmount(value: unknown, what = 'amount'): bigint | null {
  return value === '' ? null : parseAmount(value, what);
}

/** Parses a stored non-negative balance; state is trusted but checked anyway. */
export function parseStored(value: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new Error(`corrupt stored amount ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}
