/*
 * Money is a decimal string of integer minor units everywhere (never a JS
 * number); times are ISO-8601 UTC strings taken from the transaction
 * timestamp.
 */
import { enumOf, INTEGER, objectSchema, STRING } from './schema';

/** Account lifecycle states. */
export const ACCOUNT_STATUSES = ['active', 'frozen', 'closed'] as const;

/** Account lifecycle. */
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Account descriptor. */
export interface Account {
  accountId: string;
  /** `"<MSP ID>::<client identity ID>"` of the owner. */
  owner: string;
  currency: string;
  status: AccountStatus;
  openedAt: string;
  updatedAt: string;
  /** Reason given by compliance when frozen; "" otherwise. */
  frozenReason: string;
  /**
   * Number of sub-balances (shards, 2..{@link MAX_SHARDS}) the account's
   * settled funds are split across, so concurrent debits of one account
   * need not conflict (chaincode/README.md, "Hot payers"). Absent on an
   * account of one balance, which is every account opened with
   * `openAccount`: its descriptor keeps exactly the bytes it had before
   * sharding existed.
   */
  shards?: number;
}

/** Most shards one account may have (bounds a sweep's read set and a fold's write set). */
export const MAX_SHARDS = 64;

/** Shards of an account: 1 unless it was opened sharded. */
export function shardCountOf(account: Pick<Account, 'shards'>): number {
  return account.shards ?? 1;
}

/** Schema of {@link Account}. */
export const ACCOUNT_SCHEMA = objectSchema<Account>(
  {
    accountId: STRING,
    owner: STRING,
    currency: STRING,
    status: enumOf(ACCOUNT_STATUSES),
    openedAt: STRING,
    updatedAt: STRING,
    frozenReason: STRING,
    shards: INTEGER,
  },
  ['shards'],
);

/** Balance query result. */
export interface Balance {
  accountId: string;
  currency: string;
  /** Spendable now: settled available + pending credits. */
  available: string;
  /** Reserved by authorized holds. */
  held: string;
  /** Part of `available` still in unfolded credit records. */
  pending: string;
  pendingCount: number;
  /** Settled available (what a debit may use without folding). */
  settled: string;
}

/** Schema of {@link Balance}. */
export const BALANCE_SCHEMA = objectSchema<Balance>({
  accountId: STRING,
  currency: STRING,
  available: STRING,
  held: STRING,
  pending: STRING,
  pendingCount: INTEGER,
  settled: STRING,
});
