import { parseOptionalAmount, parseStored } from '../amount';
import { requireComplianceFor } from '../acl';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account, LimitPair, Limits, shardCountOf } from '@fabpay/model';
import { dayOf, loadAccount, requireId, requireNotClosed, requireOwner } from './common';
import { checkShardedDay, giveBackSharded, rebaseDay } from './shard-limits';
import { pickShard } from './shards';

/*
 * Limits have two layers with the semantics of card programmes: compliance
 * sets the outer bounds (only compliance may change them), the owner may set
 * tighter ones for itself (never looser). Debits obey the tighter of the two.
 * Both layers live in one key per account, read only by that account's
 * debits, so changing limits never conflicts with payments *to* the account.
 */

const NONE: LimitPair = { perPayment: '', perDay: '' };

/** The tighter of two limits ("" = none). */
function tighter(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return parseStored(a) <= parseStored(b) ? a : b;
}

function limitsOf(accountId: string, compliance: LimitPair, owner: LimitPair): Limits {
  return {
    accountId,
    compliance,
    owner,
    effective: {
      perPayment: tighter(compliance.perPayment, owner.perPayment),
      perDay: tighter(compliance.perDay, owner.perDay),
    },
  };
}

/** The account's limits (both layers empty when never set). */
export async function loadLimits(ctx: PaymentsContext, accountId: string): Promise<Limits> {
  return (await ctx.state.get<Limits>(KEY.limits, [accountId])) ?? limitsOf(accountId, NONE, NONE);
}

/**
 * The one write path for limits: loads the account, authorises the caller,
 * computes the new limits from the stored ones and writes them (a new key
 * gets the custody policy).
 */
async function changeLimits(
  ctx: PaymentsContext,
  accountId: string,
  authorise: (account: Account) => Promise<void> | void,
  next: (current: Limits) => Limits,
): Promise<Limits> {
  const account = await loadAccount(ctx, accountId);
  await authorise(account);
  requireNotClosed(account);
  const stored = await ctx.state.get<Limits>(KEY.limits, [accountId]);
  const limits = next(stored ?? limitsOf(accountId, NONE, NONE));
  await ctx.state.put(KEY.limits, [accountId], limits);
  // A sharded account's day counters are laid out by the daily limit's shares (shard-limits.ts).
  await rebaseDay(ctx, account, limits.effective.perDay, dayOf(ctx));
  if (!stored) {
    await protectNewKey(ctx, account, KEY.limits, [accountId]);
  }
  emit(ctx.stub, 'LimitsSet', limits);
  return limits;
}

/** What a debit must do after it succeeds, and which day it was counted on ("" = none). */
export interface LimitCheck {
  record: () => Promise<void>;
  day: string;
}

/** One payment of a debit made of several (a batch line), as checked against the per-payment limit. */
export interface DebitPart {
  amount: bigint;
  /** Names the part in a refusal, e.g. `lines[3] (paymentId "p4"): ` ("" for a single payment). */
  label: string;
}

/**
 * Checks the account's effective per-payment and per-day limits for an
 * outgoing amount and returns the write that records the day's new total.
 * Limits and the day's counter are keys of the payer only, so this adds no
 * conflict with anyone but the payer's other debits.
 *
 * A debit made of several payments (payBatch) names them in `parts`: each
 * must be within the per-payment limit, and `amount` (their sum) within the
 * day's; by default the debit is one payment of `amount`.
 */
export async function checkLimits(
  ctx: PaymentsContext,
  account: Account,
  amount: bigint,
  parts: readonly DebitPart[] = [{ amount, label: '' }],
): Promise<LimitCheck> {
  const accountId = account.accountId;
  const limits = (await ctx.state.get<Limits>(KEY.limits, [accountId]))?.effective ?? NONE;
  const day = dayOf(ctx);
  if (limits.perPayment !== '') {
    const max = parseStored(limits.perPayment);
    const over = parts.find((p) => p.amount > max);
    if (over) {
      throw fail(
        'LIMIT_EXCEEDED',
        `${over.label}amount ${over.amount} exceeds the per-payment limit ${limits.perPayment} of ${accountId}`,
      );
    }
  }
  if (limits.perDay === '') {
    // No daily limit: do not read or write the counter at all.
    return { record: async () => {}, day: '' };
  }
  if (shardCountOf(account) > 1) {
    // One counter per shard, so a hot payer's debits do not meet on one key (shard-limits.ts).
    const shard = pickShard(ctx, shardCountOf(account));
    const record = await checkShardedDay(ctx, account, parseStored(limits.perDay), day, shard, amount);
    return { day, record };
  }
  const spentRec = await ctx.state.get<{ amount: string }>(KEY.spent, [accountId, day]);
  const spent = spentRec ? parseStored(spentRec.amount) : 0n;
  if (spent + amount > parseStored(limits.perDay)) {
    throw fail(
      'DAILY_LIMIT_EXCEEDED',
      `${accountId} has spent ${spent} today; ${amount} more exceeds the daily limit ${limits.perDay}`,
    );
  }
  return {
    day,
    record: async () => {
      await ctx.state.put(KEY.spent, [accountId, day], { amount: (spent + amount).toString() });
      if (!spentRec) {
        await protectNewKey(ctx, account, KEY.spent, [accountId, day]);
      }
    },
  };
}

/**
 * Gives `amount` back to the account's counter for `day` (a hold released or
 * expired, in whole or in part), never below zero. `shard` is the hold's
 * shard when the payer is sharded (undefined for an account of one balance,
 * whose one counter is used as it always was); see giveBackSharded.
 */
export async function giveBack(
  ctx: PaymentsContext,
  accountId: string,
  day: string,
  amount: bigint,
  shard?: number,
): Promise<void> {
  if (day === '' || amount === 0n) {
    return;
  }
  if (shard !== undefined) {
    await giveBackSharded(ctx, await loadAccount(ctx, accountId), day, shard, amount);
    return;
  }
  const rec = await ctx.state.get<{ amount: string }>(KEY.spent, [accountId, day]);
  if (!rec) {
    return;
  }
  const spent = parseStored(rec.amount);
  const left = spent > amount ? spent - amount : 0n;
  await ctx.state.put(KEY.spent, [accountId, day], { amount: left.toString() });
}

function pairOf(perPayment: string, perDay: string): LimitPair {
  const p = parseOptionalAmount(perPayment, 'perPayment');
  const d = parseOptionalAmount(perDay, 'perDay');
  return { perPayment: p === null ? '' : p.toString(), perDay: d === null ? '' : d.toString() };
}

/**
 * Sets the owner's own limits ("" = none of its own). Each may only be
 * tighter than (or equal to) compliance's; a looser one is refused, so an
 * owner can never undo what compliance set.
 */
export async function setLimits(
  ctx: PaymentsContext,
  accountId: string,
  perPayment: string,
  perDay: string,
): Promise<Limits> {
  requireId(accountId, 'accountId');
  const owner = pairOf(perPayment, perDay);
  return changeLimits(
    ctx,
    accountId,
    (account) => requireOwner(ctx.caller, account),
    (current) => {
      for (const k of ['perPayment', 'perDay'] as const) {
        const bound = current.compliance[k];
        if (bound !== '' && owner[k] !== '' && parseStored(owner[k]) > parseStored(bound)) {
          throw fail('FORBIDDEN', `owner ${k} ${owner[k]} would be looser than compliance's ${bound}`);
        }
      }
      return limitsOf(accountId, current.compliance, owner);
    },
  );
}

/** Sets compliance's limits on an account ("" = none); only compliance granted over the owner's MSP. */
export async function setComplianceLimits(
  ctx: PaymentsContext,
  accountId: string,
  perPayment: string,
  perDay: string,
): Promise<Limits> {
  requireId(accountId, 'accountId');
  const bounds = pairOf(perPayment, perDay);
  const governance = await ctx.governance();
  return changeLimits(
    ctx,
    accountId,
    (account) => requireComplianceFor(ctx.caller, governance, account),
    (current) => limitsOf(accountId, bounds, current.owner),
  );
}
