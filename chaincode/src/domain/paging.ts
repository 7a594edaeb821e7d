import { fail } from '../errors';

/** Largest page a paginated query returns. */
export const MAX_PAGE_SIZE = 100;
/** Schema pattern for pageSize. */
export const PAGE_SIZE_PATTERN = '^[1-9][0-9]{0,2}$';

/** Parses a pageSize parameter (1..100). */
export function pageSizeOf(text: string): number {
  const n = /^[1-9][0-9]{0,2}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE)) {
    throw fail('INVALID_ARGUMENT', `pageSize must be 1..${MAX_PAGE_SIZE}`);
  }
  return n;
}
