import { arrayOf, enumOf, objectSchema, STRING } from './schema';

/** Where a pending credit can come from. */
export const CREDIT_SOURCES = ['payment', 'refund', 'capture', 'issue', 'batch'] as const;

/** Where a pending credit came from. */
export type CreditSource = (typeof CREDIT_SOURCES)[number];

/** Pending credit: written blind by the transaction that credits the account, folded later. */
export interface Credit {
  /** See credit-ids.ts for the format. */
  creditId: string;
  accountId: string;
  amount: string;
  currency: string;
  source: CreditSource;
  /**
   * The source's scoped ID: `<payer>:<paymentId>`, `<paymentId>:<refundId>`, `<payer>:<holdId>`,
   * `<MSP>:<operationId>`, `<payer>:<batchId>`.
   */
  sourceId: string;
  at: string;
}

/** Schema of {@link Credit}. */
export const CREDIT_SCHEMA = objectSchema<Credit>({
  creditId: STRING,
  accountId: STRING,
  amount: STRING,
  currency: STRING,
  source: enumOf(CREDIT_SOURCES),
  sourceId: STRING,
  at: STRING,
});

/** Result of foldCredits: the credits moved into the settled balance, and that balance after. */
export interface Fold {
  accountId: string;
  creditIds: string[];
  amount: string;
  available: string;
  held: string;
}

/** Schema of {@link Fold}. */
export const FOLD_SCHEMA = objectSchema<Fold>({
  accountId: STRING,
  creditIds: arrayOf<string>(STRING),
  amount: STRING,
  available: STRING,
  held: STRING,
});
