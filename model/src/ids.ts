/** One caller-chosen ID: a letter or digit, then up to 63 of letters, digits, ".", "_" and "-". */
export const ID_BODY = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';

/** Pattern for caller-chosen IDs (account, payment, hold, refund, operation, proposal). */
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
