/** Result shapes of the read-only queries that are not records of their own. */
import {
  arrayOf,
  BOOLEAN,
  enumOf,
  INTEGER,
  objectSchema,
  STRING,
  type FieldSchema,
  type ObjectSchema,
} from './schema';

/** Page of a paginated query. */
export interface Page<T> {
  items: T[];
  /** Pass to the next call; "" when there are no more pages. */
  bookmark: string;
  count: number;
}

/** Schema of a {@link Page} of items with schema `item`. */
export function pageSchema<T>(item: FieldSchema<T>): ObjectSchema<Page<T>> {
  return objectSchema<Page<T>>({ items: arrayOf<T>(item), bookmark: STRING, count: INTEGER });
}

/** Kinds of history entry ("batch": a payBatch on its payer's statement, one line for all its lines). */
export const HISTORY_KINDS = ['payment', 'refund', 'capture', 'batch'] as const;
/** Directions of money in a history entry, seen from its account. */
export const DIRECTIONS = ['in', 'out'] as const;

/** One line of an account's payment history. */
export interface HistoryEntry {
  accountId: string;
  kind: (typeof HISTORY_KINDS)[number];
  /** paymentId, `<paymentId>:<refundId>`, holdId or batchId (each scoped within the payer's account). */
  id: string;
  direction: (typeof DIRECTIONS)[number];
  /** The other account; "" for a batch (its lines name the payees: getBatch). */
  counterparty: string;
  amount: string;
  currency: string;
  at: string;
}

/** Schema of {@link HistoryEntry}. */
export const HISTORY_ENTRY_SCHEMA = objectSchema<HistoryEntry>({
  accountId: STRING,
  kind: enumOf(HISTORY_KINDS),
  id: STRING,
  direction: enumOf(DIRECTIONS),
  counterparty: STRING,
  amount: STRING,
  currency: STRING,
  at: STRING,
});

/** One currency in the conservation report. */
export interface ConservationLine {
  currency: string;
  available: string;
  held: string;
  pending: string;
  /** available + held + pending. */
  total: string;
  issued: string;
  redeemed: string;
  /** issued - redeemed. */
  outstanding: string;
  /** total === outstanding. */
  balanced: boolean;
}

/** Schema of {@link ConservationLine}. */
export const CONSERVATION_LINE_SCHEMA = objectSchema<ConservationLine>({
  currency: STRING,
  available: STRING,
  held: STRING,
  pending: STRING,
  total: STRING,
  issued: STRING,
  redeemed: STRING,
  outstanding: STRING,
  balanced: BOOLEAN,
});

/** A currency the chaincode accepts, with its minor-unit exponent (USD 2 = cents, JPY 0). */
export interface Currency {
  code: string;
  exponent: number;
}

/** Schema of {@link Currency}. */
export const CURRENCY_SCHEMA = objectSchema<Currency>({ code: STRING, exponent: INTEGER });

/** The calling identity as the chaincode sees it. */
export interface CallerInfo {
  /** `"<MSP ID>::<client identity ID>"`. */
  owner: string;
  mspId: string;
  id: string;
  /** The `payments.role` attribute: "", `issuer` or `compliance`. */
  role: string;
  admin: boolean;
}

/** Schema of {@link CallerInfo}. */
export const CALLER_INFO_SCHEMA = objectSchema<CallerInfo>({
  owner: STRING,
  mspId: STRING,
  id: STRING,
  role: { type: 'string', enum: ['', 'issuer', 'compliance'] },
  admin: BOOLEAN,
});
