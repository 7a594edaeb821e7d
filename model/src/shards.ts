/*
 * Sharded ("hot payer") accounts: an account's settled funds split across
 * several sub-balances so that concurrent debits of one account touch
 * different keys (chaincode/README.md, "Hot payers").
 */
import { arrayOf, INTEGER, objectSchema, STRING } from './schema';
import { MAX_SHARDS } from './account';

/**
 * Transient-data key of a debit's shard hint: the decimal index (0..63) of
 * the shard the caller wants the debit to use. Transient data reaches every
 * endorser of a proposal unchanged and is not recorded on the ledger, so the
 * hint picks the same shard on every endorser without changing any
 * transaction's parameters. The chaincode uses it modulo the account's shard
 * count; without it, the shard is derived from the transaction ID.
 */
export const SHARD_HINT_KEY = 'fabpay.shard';

/** A shard hint as the chaincode accepts it: a decimal index below {@link MAX_SHARDS}. */
export const SHARD_HINT_PATTERN = '^(0|[1-9][0-9]?)$';

/** True if `n` is a valid shard count for openShardedAccount: a whole number 1..{@link MAX_SHARDS}. */
export function isValidShardCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_SHARDS;
}

/** Per-shard settled balances of an account (getShards, rebalanceShards). */
export interface ShardBalances {
  accountId: string;
  shards: number;
  /** Settled available per shard, index order. */
  available: string[];
  /** Held per shard, index order. */
  held: string[];
  /** Sums over the shards. */
  totalAvailable: string;
  totalHeld: string;
}

/** Schema of {@link ShardBalances}. */
export const SHARD_BALANCES_SCHEMA = objectSchema<ShardBalances>({
  accountId: STRING,
  shards: INTEGER,
  available: arrayOf<string>(STRING),
  held: arrayOf<string>(STRING),
  totalAvailable: STRING,
  totalHeld: STRING,
});
