import { enumOf, objectSchema, STRING } from './schema';

/** Issue creates money in an account; redeem destroys it. */
export const ISSUANCE_KINDS = ['issue', 'redeem'] as const;

/** Issue or redeem record. */
export interface Issuance {
  /** Scoped within the issuing MSP and the currency. */
  operationId: string;
  kind: (typeof ISSUANCE_KINDS)[number];
  accountId: string;
  currency: string;
  amount: string;
  initiator: string;
  at: string;
}

/** Schema of {@link Issuance}. */
export const ISSUANCE_SCHEMA = objectSchema<Issuance>({
  operationId: STRING,
  kind: enumOf(ISSUANCE_KINDS),
  accountId: STRING,
  currency: STRING,
  amount: STRING,
  initiator: STRING,
  at: STRING,
});

/** Per-currency supply totals. */
export interface Supply {
  currency: string;
  issued: string;
  redeemed: string;
  /** issued - redeemed. */
  outstanding: string;
}

/** Schema of {@link Supply}. */
export const SUPPLY_SCHEMA = objectSchema<Supply>({
  currency: STRING,
  issued: STRING,
  redeemed: STRING,
  outstanding: STRING,
});
