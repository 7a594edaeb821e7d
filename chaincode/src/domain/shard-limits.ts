import { parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { fail } from '../errors';
import { KEY } from '../keys';
import { Account, Limits, shardCountOf } from '@fabpay/model';
import { shardSpentAttributes, spread } from './shards';

/*
 * Daily limits of a sharded account without one hot counter.
 *
 * The day's allowance is split into shares, spread(perDay, N), and each
 * shard counts what its debits spent today in a counter of its own. A debit
 * on shard s that fits in s's share reads and writes only s's counter, so
 * debits on different shards stay disjoint. Invariant: every counter is at
 * most its share (or is flagged `over`, below), hence the counters' sum, the
 * day's spend, is at most perDay.
 *
 * A debit that does not fit its shard's share *sweeps*: it reads every
 * counter, refuses with DAILY_LIMIT_EXCEEDED only if the day's total plus
 * the amount exceeds perDay, and otherwise writes the new total back spread
 * so that each shard has an even part of what is left of the allowance. A
 * change of the limits (or of the shares) rebases the counters the same
 * way; when the day's spend already exceeds a lowered limit, every counter
 * is flagged `over`, so every debit sweeps (and is refused) until the day's
 * total fits again: a give-back to one shard cannot open headroom there
 * while the account as a whole is over.
 */

/** A shard's day counter. `over`: written when the day's total exceeded perDay; forces a sweep. */
interface SpentRecord {
  amount: string;
  over?: true;
}

interface Counter {
  amount: bigint;
  over: boolean;
  /** Whether the key exists (a new one gets the custody policy). */
  exists: boolean;
}

async function loadCounter(
  ctx: PaymentsContext,
  accountId: string,
  day: string,
  shard: number,
): Promise<Counter> {
  const rec = await ctx.state.get<SpentRecord>(KEY.spent, shardSpentAttributes(accountId, day, shard));
  return rec
    ? { amount: parseStored(rec.amount), over: rec.over === true, exists: true }
    : { amount: 0n, over: false, exists: false };
}

async function storeCounter(
  ctx: PaymentsContext,
  account: Account,
  day: string,
  shard: number,
  counter: Counter,
): Promise<void> {
  const attributes = shardSpentAttributes(account.accountId, day, shard);
  const rec: SpentRecord = counter.over
    ? { amount: counter.amount.toString(), over: true }
    : { amount: counter.amount.toString() };
  await ctx.state.put(KEY.spent, attributes, rec);
  if (!counter.exists) {
    await protectNewKey(ctx, account, KEY.spent, attributes);
  }
}

async function loadCounters(ctx: PaymentsContext, account: Account, day: string): Promise<Counter[]> {
  const out: Counter[] = [];
  for (let i = 0; i < shardCountOf(account); i++) {
    out.push(await loadCounter(ctx, account.accountId, day, i));
  }
  return out;
}

/** Counters holding `total` for the day with limit `perDay`, keeping the invariant above. */
function laidOut(total: bigint, perDay: bigint, n: number): { amount: bigint; over: boolean }[] {
  const shares = spread(perDay, n);
  if (total > perDay) {
    // Over a lowered limit: each shard at its share, the excess on shard 0, all flagged.
    return shares.map((share, i) => ({ amount: share + (i === 0 ? total - perDay : 0n), over: true }));
  }
  const left = spread(perDay - total, n);
  return shares.map((share, i) => ({ amount: share - (left[i] ?? 0n), over: false }));
}

/** Writes the counters that change (a missing counter that stays 0 is not created). */
async function storeLayout(
  ctx: PaymentsContext,
  account: Account,
  day: string,
  before: readonly Counter[],
  total: bigint,
  perDay: bigint,
): Promise<void> {
  for (const [i, next] of laidOut(total, perDay, before.length).entries()) {
    const old = before[i] as Counter;
    if (old.amount !== next.amount || old.over !== next.over) {
      await storeCounter(ctx, account, day, i, { ...next, exists: old.exists });
    }
  }
}

/**
 * Checks `amount` against a sharded account's daily limit on `shard` and
 * returns the write that records it (see the top of this module).
 */
export async function checkShardedDay(
  ctx: PaymentsContext,
  account: Account,
  perDay: bigint,
  day: string,
  shard: number,
  amount: bigint,
): Promise<() => Promise<void>> {
  const n = shardCountOf(account);
  const own = await loadCounter(ctx, account.accountId, day, shard);
  const share = spread(perDay, n)[shard] ?? 0n;
  if (!own.over && own.amount + amount <= share) {
    return () => storeCounter(ctx, account, day, shard, { ...own, amount: own.amount + amount });
  }
  const before: Counter[] = [];
  for (let i = 0; i < n; i++) {
    before.push(i === shard ? own : await loadCounter(ctx, account.accountId, day, i));
  }
  const spent = before.reduce((sum, c) => sum + c.amount, 0n);
  if (spent + amount > perDay) {
    throw fail(
      'DAILY_LIMIT_EXCEEDED',
      `${account.accountId} has spent ${spent} today; ${amount} more exceeds the daily limit ${perDay}`,
    );
  }
  return () => storeLayout(ctx, account, day, before, spent + amount, perDay);
}

/**
 * Gives `amount` back to a sharded account's day counter of `shard` (a
 * hold released or expired, or the uncaptured rest). When the shard's
 * counter holds less than that (a sweep or a limit change moved the hold's
 * count to other shards), the counters are read and laid out again for the
 * day's total minus `amount`, so nothing given back is lost; without a daily
 * limit any more, the counter just drops to zero.
 */
export async function giveBackSharded(
  ctx: PaymentsContext,
  account: Account,
  day: string,
  shard: number,
  amount: bigint,
): Promise<void> {
  const own = await loadCounter(ctx, account.accountId, day, shard);
  if (!own.exists) {
    return;
  }
  if (own.amount >= amount) {
    await storeCounter(ctx, account, day, shard, { ...own, amount: own.amount - amount });
    return;
  }
  const limits = await ctx.state.get<Limits>(KEY.limits, [account.accountId]);
  const perDay = limits?.effective.perDay ?? '';
  if (perDay === '') {
    await storeCounter(ctx, account, day, shard, { ...own, amount: 0n });
    return;
  }
  const before: Counter[] = [];
  for (let i = 0; i < shardCountOf(account); i++) {
    before.push(i === shard ? own : await loadCounter(ctx, account.accountId, day, i));
  }
  const spent = before.reduce((sum, c) => sum + c.amount, 0n);
  await storeLayout(ctx, account, day, before, spent > amount ? spent - amount : 0n, parseStored(perDay));
}

/**
 * Lays today's counters of a sharded account out again for a new daily
 * limit ("" = none: the counters are then unused and left as they are).
 */
export async function rebaseDay(
  ctx: PaymentsContext,
  account: Account,
  perDay: string,
  day: string,
): Promise<void> {
  if (perDay === '' || shardCountOf(account) === 1) {
    return;
  }
  const before = await loadCounters(ctx, account, day);
  const spent = before.reduce((sum, c) => sum + c.amount, 0n);
  await storeLayout(ctx, account, day, before, spent, parseStored(perDay));
}
