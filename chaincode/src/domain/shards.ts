import { parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { ChaincodeError, fail } from '../errors';
import { KEY } from '../keys';
import { BalanceRecord } from '../state-records';
import {
  Account,
  MAX_SHARDS,
  shardCountOf,
  SHARD_HINT_KEY,
  SHARD_HINT_PATTERN,
  ShardBalances,
} from '@fabpay/model';
import { loadBalance, storeBalance } from './common';

/*
 * Sharded accounts ("hot payers", README "Hot payers").
 *
 * A sharded account's settled funds live in N sub-balance keys. Every debit
 * charges one shard, picked deterministically (the client's shard hint in
 * the proposal's transient data, else a hash of the transaction ID), and
 * reads and writes only that shard's key when it covers the amount: N
 * concurrent debits on N different shards share no key and all commit in
 * one block. When the picked shard cannot cover the amount, the debit
 * *sweeps*: it reads every shard, refuses with INSUFFICIENT_FUNDS only if
 * the whole account cannot cover it, and otherwise takes the amount from
 * the pool and spreads what is left evenly over the shards (a rebalance in
 * the same transaction). A sweep conflicts with every concurrent debit of
 * the account, which the client retries like any MVCC conflict; it happens
 * only when a shard runs short, and leaves the shards even again.
 *
 * An account of one shard (every account opened with `openAccount`) reads
 * and writes exactly the one balance key it always had, with the same bytes.
 */

/** Two-digit shard suffix, so an account's shard keys sort in index order. */
function suffix(shard: number): string {
  return String(shard).padStart(2, '0');
}

/** Composite-key attributes of a shard's balance: shard 0 is the account's one balance key. */
export function shardAttributes(accountId: string, shard: number): string[] {
  return shard === 0 ? [accountId] : [accountId, suffix(shard)];
}

/** Composite-key attributes of a shard's day counter: shard 0 is the account's one counter. */
export function shardSpentAttributes(accountId: string, day: string, shard: number): string[] {
  return shard === 0 ? [accountId, day] : [accountId, day, suffix(shard)];
}

/**
 * `total` split into `n` near-equal parts, the first `total mod n` one
 * larger. Part i never decreases as `total` grows (the day-limit shares
 * rely on that), and the parts sum to `total`.
 */
export function spread(total: bigint, n: number): bigint[] {
  const count = BigInt(n);
  const base = total / count;
  const rest = Number(total % count);
  return Array.from({ length: n }, (_, i) => base + (i < rest ? 1n : 0n));
}

/** 32-bit FNV-1a of a string: a fixed, platform-independent hash (never Math.random). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const HINT_RE = new RegExp(SHARD_HINT_PATTERN);

/**
 * The shard a debit of an account of `n` shards charges. Every endorser of a
 * proposal computes the same one: the hint in the proposal's transient data
 * ({@link SHARD_HINT_KEY}, modulo `n`, so a client whose idea of `n` is out
 * of date still names a shard), else a hash of the transaction ID (a
 * resubmitted proposal gets a new ID, so a retry lands elsewhere). An
 * account of one shard ignores the hint.
 */
export function pickShard(ctx: PaymentsContext, n: number): number {
  if (n <= 1) {
    return 0;
  }
  const hint = ctx.stub.getTransient().get(SHARD_HINT_KEY);
  if (hint !== undefined) {
    const text = Buffer.from(hint).toString('utf8');
    if (!HINT_RE.test(text) || Number(text) >= MAX_SHARDS) {
      throw fail(
        'INVALID_ARGUMENT',
        `transient ${SHARD_HINT_KEY} must be a shard index 0..${MAX_SHARDS - 1}`,
      );
    }
    return Number(text) % n;
  }
  return fnv1a(ctx.stub.getTxID()) % n;
}

/** One shard's settled balance (a missing key is empty). */
interface Shard {
  available: bigint;
  held: bigint;
}

async function loadShard(ctx: PaymentsContext, accountId: string, shard: number): Promise<Shard> {
  if (shard === 0) {
    return loadBalance(ctx, accountId);
  }
  const rec = await ctx.state.get<BalanceRecord>(KEY.balance, shardAttributes(accountId, shard));
  return rec
    ? { available: parseStored(rec.available), held: parseStored(rec.held) }
    : { available: 0n, held: 0n };
}

async function storeShard(ctx: PaymentsContext, accountId: string, shard: number, s: Shard): Promise<void> {
  if (shard === 0) {
    return storeBalance(ctx, accountId, s.available, s.held);
  }
  if (s.available < 0n || s.held < 0n) {
    // Unreachable if the checks before are right; refuse rather than write a negative shard.
    throw new Error(`internal: negative shard ${shard} of ${accountId}`);
  }
  const rec: BalanceRecord = { available: s.available.toString(), held: s.held.toString() };
  await ctx.state.put(KEY.balance, shardAttributes(accountId, shard), rec);
}

/** Every shard of an account, index order (point reads of the N keys, never a range query). */
export async function loadShards(ctx: PaymentsContext, account: Account): Promise<Shard[]> {
  const out: Shard[] = [];
  for (let i = 0; i < shardCountOf(account); i++) {
    out.push(await loadShard(ctx, account.accountId, i));
  }
  return out;
}

/** Writes the shards whose balance changed (an unchanged shard stays out of the write set). */
async function storeChanged(
  ctx: PaymentsContext,
  accountId: string,
  before: readonly Shard[],
  after: readonly Shard[],
): Promise<void> {
  for (const [i, s] of after.entries()) {
    const old = before[i];
    if (!old || old.available !== s.available || old.held !== s.held) {
      await storeShard(ctx, accountId, i, s);
    }
  }
}

/** The account's available funds spread evenly over its shards; each shard keeps its holds. */
function evened(shards: readonly Shard[], available: bigint): Shard[] {
  const parts = spread(available, shards.length);
  return shards.map((s, i) => ({ available: parts[i] ?? 0n, held: s.held }));
}

/** Sums of a set of shards. */
export function totals(shards: readonly Shard[]): Shard {
  return shards.reduce((t, s) => ({ available: t.available + s.available, held: t.held + s.held }), {
    available: 0n,
    held: 0n,
  });
}

/** A planned debit: the shard charged and the write that applies it. */
export interface FundsDebit {
  /** Shard the debit (and its day counter and, for a hold, the held amount) belongs to. */
  shard: number;
  /** Writes the new balance(s); call after every check has passed. */
  apply: () => Promise<void>;
}

/** How {@link debitFunds} takes an amount. */
export interface DebitOptions {
  /** Funds added in the same transaction first (payWithCredits' folded credits). */
  extra?: bigint;
  /** Move the amount to `held` instead of out of the account (authorizeHold). */
  hold?: boolean;
  /** The refusal when the account cannot cover the amount, given what it has available. */
  shortfall: (available: bigint) => ChaincodeError;
}

/**
 * Plans taking `amount` from an account's settled funds: from its one
 * balance, or from the picked shard, or, when that shard cannot cover it, by
 * a sweep over every shard (see the top of this module). Never leaves a
 * shard or the account below zero; refuses with `shortfall` only when the
 * whole account cannot cover the amount.
 */
export async function debitFunds(
  ctx: PaymentsContext,
  account: Account,
  amount: bigint,
  options: DebitOptions,
): Promise<FundsDebit> {
  const extra = options.extra ?? 0n;
  const heldAdd = options.hold ? amount : 0n;
  const id = account.accountId;
  const n = shardCountOf(account);
  const shard = pickShard(ctx, n);
  const own = await loadShard(ctx, id, shard);
  if (own.available + extra >= amount) {
    const next = { available: own.available + extra - amount, held: own.held + heldAdd };
    return { shard, apply: () => storeShard(ctx, id, shard, next) };
  }
  if (n === 1) {
    throw options.shortfall(own.available + extra);
  }
  // Sweep: the picked shard is short; the account as a whole may not be.
  const before: Shard[] = [];
  for (let i = 0; i < n; i++) {
    before.push(i === shard ? own : await loadShard(ctx, id, i));
  }
  const pool = totals(before).available + extra;
  if (pool < amount) {
    throw options.shortfall(pool);
  }
  const after = evened(before, pool - amount);
  after[shard] = { available: after[shard]?.available ?? 0n, held: own.held + heldAdd };
  return { shard, apply: () => storeChanged(ctx, id, before, after) };
}

/**
 * Returns funds to one shard (the rest of a captured hold, a released or
 * expired hold): `available` grows, `held` shrinks. Reads and writes that
 * shard only.
 */
export async function adjustShard(
  ctx: PaymentsContext,
  accountId: string,
  shard: number,
  availableDelta: bigint,
  heldDelta: bigint,
): Promise<void> {
  const s = await loadShard(ctx, accountId, shard);
  await storeShard(ctx, accountId, shard, {
    available: s.available + availableDelta,
    held: s.held + heldDelta,
  });
}

/**
 * Adds folded credits to an account's settled funds and returns the sums
 * after. One shard: its balance grows. Sharded: every shard is read and the
 * available funds are spread evenly over them (a fold is a rebalance), so
 * incoming money reaches every shard; it conflicts with the account's
 * in-flight debits, as a fold of one balance does.
 */
export async function addToShards(ctx: PaymentsContext, account: Account, amount: bigint): Promise<Shard> {
  if (shardCountOf(account) === 1) {
    const bal = await loadBalance(ctx, account.accountId);
    const next = { available: bal.available + amount, held: bal.held };
    await storeBalance(ctx, account.accountId, next.available, next.held);
    return next;
  }
  const before = await loadShards(ctx, account);
  const after = evened(before, totals(before).available + amount);
  await storeChanged(ctx, account.accountId, before, after);
  return totals(after);
}

/** The per-shard view of an account. */
export function shardBalances(accountId: string, shards: readonly Shard[]): ShardBalances {
  const t = totals(shards);
  return {
    accountId,
    shards: shards.length,
    available: shards.map((s) => s.available.toString()),
    held: shards.map((s) => s.held.toString()),
    totalAvailable: t.available.toString(),
    totalHeld: t.held.toString(),
  };
}

/** Evens the available funds of an account's shards out; returns the view after. */
export async function evenShards(ctx: PaymentsContext, account: Account): Promise<ShardBalances> {
  const before = await loadShards(ctx, account);
  const after = evened(before, totals(before).available);
  await storeChanged(ctx, account.accountId, before, after);
  return shardBalances(account.accountId, after);
}

/** Creates shards 1..n-1 of a new account, empty and in the owner org's custody (shard 0 is the balance key). */
export async function createShards(ctx: PaymentsContext, account: Account): Promise<void> {
  for (let i = 1; i < shardCountOf(account); i++) {
    const attributes = shardAttributes(account.accountId, i);
    await ctx.state.put(KEY.balance, attributes, { available: '0', held: '0' });
    await protectNewKey(ctx, account, KEY.balance, attributes);
  }
}
