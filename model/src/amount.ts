/*
 * What a valid amount and a valid free text (reference, reason) are: the
 * chaincode enforces these, and a client checks input against the same rules
 * before it sends anything (the CLI's pay-batch validates a whole file first).
 */

/**
 * Largest amount a single operation may carry, in minor units (10^24).
 * Large enough for any real currency (10^22 units of a 2-decimal currency),
 * small enough that totals stay far from anything surprising.
 */
export const MAX_AMOUNT = 10n ** 24n;

/** Decimal, no sign, no leading zero, no spaces; at most 25 digits (10^24 has 25). */
export const AMOUNT_PATTERN = '^[1-9][0-9]{0,24}$';
const AMOUNT_RE = new RegExp(AMOUNT_PATTERN);

/** True for a canonical positive amount of minor units within {@link MAX_AMOUNT}. */
export function isValidAmount(value: string): boolean {
  return AMOUNT_RE.test(value) && BigInt(value) <= MAX_AMOUNT;
}

/** Longest free text (payment reference, refund or freeze reason). */
export const MAX_TEXT_LENGTH = 140;

/** Free text: printable ASCII only, so it is safe in events and logs. */
export const TEXT_PATTERN = '^[\\x20-\\x7E]*$';
const TEXT_RE = new RegExp(TEXT_PATTERN);

/** True for free text the chaincode accepts (printable ASCII, at most {@link MAX_TEXT_LENGTH}). */
export function isValidText(value: string): boolean {
  return value.length <= MAX_TEXT_LENGTH && TEXT_RE.test(value);
}
