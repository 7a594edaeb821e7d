import { parseAmount } from '../amount';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { requireCurrency } from '../currencies';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Hold } from '@fabpay/model';
import {
  loadAccount,
  requireActive,
  requireCurrencyOf,
  requireId,
  requireOwner,
  writeCredit,
  writeHistory,
} from './common';
import { checkLimits, giveBack } from './limits';
import { adjustShard, debitFunds } from './shards';

/*
 * Holds have the semantics of card authorisations: the payer reserves funds
 * for the payee until an expiry bounded by governance; the payee captures
 * (all or part) or releases; the payer's only way out is expiry. A freeze of
 * either party blocks capture. Hold IDs are scoped within the payer's
 * account (key [from, holdId]).
 */

/** Accepted form of expiresAt: ISO-8601 UTC, as Date#toISOString writes it (milliseconds optional). */
export const EXPIRES_AT_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?Z$';

function parseExpiry(text: string): number {
  const millis = new RegExp(EXPIRES_AT_PATTERN).test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(millis) || new Date(millis).toISOString().slice(0, 19) !== text.slice(0, 19)) {
    throw fail('INVALID_ARGUMENT', 'expiresAt must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z');
  }
  return millis;
}

async function loadHold(ctx: PaymentsContext, fromId: string, holdId: string): Promise<Hold> {
  requireId(fromId, 'from');
  requireId(holdId, 'holdId');
  const hold = await ctx.state.get<Hold>(KEY.hold, [fromId, holdId]);
  if (!hold) {
    throw fail('HOLD_NOT_FOUND', `hold ${holdId} of account ${fromId} does not exist`);
  }
  return hold;
}

function requireAuthorized(hold: Hold): void {
  if (hold.status !== 'authorized') {
    throw fail('HOLD_NOT_ACTIVE', `hold ${hold.holdId} is ${hold.status}`);
  }
}

/**
 * Reserves funds of `from` for `to` until `expiresAt` (at most the governed
 * maximum hold duration ahead): they move from the payer's available to its
 * held balance, so they cannot be spent elsewhere. Counts against the
 * payer's limits like a payment.
 */
export async function authorizeHold(
  ctx: PaymentsContext,
  holdId: string,
  fromId: string,
  toId: string,
  amountText: string,
  currency: string,
  expiresAt: string,
): Promise<Hold> {
  requireId(holdId, 'holdId');
  requireId(fromId, 'from');
  requireId(toId, 'to');
  const amount = parseAmount(amountText);
  requireCurrency(currency);
  const expiry = parseExpiry(expiresAt);
  const existing = await ctx.state.get<Hold>(KEY.hold, [fromId, holdId]);
  if (existing) {
    // Initiator first: a stranger learns nothing about the hold's content.
    if (existing.initiator !== ctx.caller.owner) {
      throw fail('FORBIDDEN', `hold ${holdId} of ${fromId} was authorized by another identity`);
    }
    const same =
      existing.to === toId &&
      existing.amount === amount.toString() &&
      existing.currency === currency &&
      Date.parse(existing.expiresAt) === expiry;
    if (!same) {
      throw fail('DUPLICATE_HOLD', `holdId ${holdId} was already used for a different hold`);
    }
    return existing;
  }
  const from = await loadAccount(ctx, fromId);
  requireOwner(ctx.caller, from);
  if (fromId === toId) {
    throw fail('SAME_ACCOUNT', 'from and to must differ');
  }
  const to = await loadAccount(ctx, toId);
  await requireActive(ctx, from);
  await requireActive(ctx, to);
  requireCurrencyOf(from, currency);
  requireCurrencyOf(to, currency);
  if (expiry <= ctx.nowMillis) {
    throw fail('INVALID_ARGUMENT', 'expiresAt must be after the transaction time');
  }
  const { maxHoldSeconds } = await ctx.governance();
  if (expiry - ctx.nowMillis > maxHoldSeconds * 1000) {
    throw fail(
      'INVALID_ARGUMENT',
      `expiresAt must be at most ${maxHoldSeconds} s after the transaction time`,
    );
  }
  const limits = await checkLimits(ctx, from, amount);
  const funds = await debitFunds(ctx, from, amount, {
    hold: true,
    shortfall: (available) =>
      fail(
        'INSUFFICIENT_FUNDS',
        `account ${fromId} has ${available} settled available, needs ${amount} (fold pending credits first)`,
      ),
  });
  const hold: Hold = {
    holdId,
    from: fromId,
    to: toId,
    amount: amount.toString(),
    currency,
    expiresAt: new Date(expiry).toISOString(),
    status: 'authorized',
    captured: '0',
    initiator: ctx.caller.owner,
    createdAt: ctx.now,
    closedAt: '',
    limitDay: limits.day,
    // Only a sharded account's holds name a shard: an account of one balance writes what it always did.
    ...(from.shards === undefined ? {} : { shard: funds.shard }),
  };
  await funds.apply();
  await limits.record();
  await ctx.state.put(KEY.hold, [fromId, holdId], hold);
  await protectNewKey(ctx, from, KEY.hold, [fromId, holdId]);
  emit(ctx.stub, 'HoldAuthorized', hold);
  return hold;
}

/**
 * Captures (part of) a hold for the payee, before expiry, while both
 * accounts are active. The captured amount goes to the payee as a blind
 * credit; the rest returns to the payer's available balance and to the
 * day's limit counter. Only the payee's owner may capture.
 */
export async function captureHold(
  ctx: PaymentsContext,
  fromId: string,
  holdId: string,
  amountText: string,
): Promise<Hold> {
  const amount = parseAmount(amountText);
  const hold = await loadHold(ctx, fromId, holdId);
  const to = await loadAccount(ctx, hold.to);
  requireOwner(ctx.caller, to);
  requireAuthorized(hold);
  const from = await loadAccount(ctx, hold.from);
  await requireActive(ctx, from);
  await requireActive(ctx, to);
  if (ctx.nowMillis >= Date.parse(hold.expiresAt)) {
    throw fail('HOLD_EXPIRED', `hold ${holdId} expired at ${hold.expiresAt}`);
  }
  const held = BigInt(hold.amount);
  if (amount > held) {
    throw fail('INVALID_AMOUNT', `capture ${amount} exceeds the hold amount ${held}`);
  }
  const now = ctx.now;
  const captured: Hold = { ...hold, status: 'captured', captured: amount.toString(), closedAt: now };
  await adjustShard(ctx, hold.from, hold.shard ?? 0, held - amount, -held);
  await giveBack(ctx, hold.from, hold.limitDay, held - amount, hold.shard);
  await writeCredit(ctx, to, amount, 'capture', [hold.from, holdId]);
  await ctx.state.put(KEY.hold, [hold.from, holdId], captured);
  const line = {
    kind: 'capture' as const,
    id: holdId,
    amount: amount.toString(),
    currency: hold.currency,
    at: now,
  };
  await writeHistory(
    ctx,
    { ...line, accountId: hold.from, direction: 'out', counterparty: hold.to },
    hold.from,
  );
  await writeHistory(
    ctx,
    { ...line, accountId: hold.to, direction: 'in', counterparty: hold.from },
    hold.from,
  );
  emit(ctx.stub, 'HoldCaptured', captured);
  return captured;
}

async function unhold(ctx: PaymentsContext, hold: Hold, status: 'released' | 'expired'): Promise<Hold> {
  const held = BigInt(hold.amount);
  const closed: Hold = { ...hold, status, closedAt: ctx.now };
  // The hold's funds go back to the shard they were reserved on (0: the account's one balance).
  await adjustShard(ctx, hold.from, hold.shard ?? 0, held, -held);
  await giveBack(ctx, hold.from, hold.limitDay, held, hold.shard);
  await ctx.state.put(KEY.hold, [hold.from, hold.holdId], closed);
  return closed;
}

/**
 * Releases a hold in full. Only the payee's owner may: an authorised hold is
 * the payee's guarantee, and the payer's way out is expiry. Works on frozen
 * accounts, since it only returns money to the payer.
 */
export async function releaseHold(ctx: PaymentsContext, fromId: string, holdId: string): Promise<Hold> {
  const hold = await loadHold(ctx, fromId, holdId);
  const to = await loadAccount(ctx, hold.to);
  if (ctx.caller.owner !== to.owner) {
    throw fail('FORBIDDEN', `only the payee of hold ${holdId} may release it; the payer waits for expiry`);
  }
  requireAuthorized(hold);
  const released = await unhold(ctx, hold, 'released');
  emit(ctx.stub, 'HoldReleased', released);
  return released;
}

/** Expires a hold once the transaction time is at or past expiresAt; anyone may call it. */
export async function expireHold(ctx: PaymentsContext, fromId: string, holdId: string): Promise<Hold> {
  const hold = await loadHold(ctx, fromId, holdId);
  requireAuthorized(hold);
  if (ctx.nowMillis < Date.parse(hold.expiresAt)) {
    throw fail('HOLD_NOT_EXPIRED', `hold ${holdId} expires at ${hold.expiresAt}`);
  }
  const expired = await unhold(ctx, hold, 'expired');
  emit(ctx.stub, 'HoldExpired', expired);
  return expired;
}
