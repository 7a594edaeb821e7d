import { fail } from './errors';

/**
 * Largest amount a single operation may carry, in minor units (10^24).
 * Large enough for any real currency (10^22 units of a 2-decimal currency),
 * small enough that totals stay far from anything surprising.
 */
export const MAX_AMOUNT = 10n ** 24n;

/** Decimal, no sign, no leading zero, no spaces; at most 25 digits (10^24 has 25). */
export const AMOUNT_PATTERN = '^[1-9][0-9]{0,24}$';
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
