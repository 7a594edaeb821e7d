import { parseAmount } from '../amount';
import { PaymentsContext } from '../context';
import { requireCurrency } from '../currencies';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Hold } from '../model';
import {
  loadAccount,
  loadBalance,
  requireActive,
  requireCurrencyOf,
  requireId,
  requireOwner,
  storeBalance,
  writeCredit,
  writeHistory,
} from './common';
import { checkLimits } from './limits';

/** Accepted form of expiresAt: ISO-8601 UTC, as Date#toISOString writes it (milliseconds optional). */
export const EXPIRES_AT_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?Z$';

function parseExpiry(text: string): number {
  const millis = new RegExp(EXPIRES_AT_PATTERN).test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(millis) || new Date(millis).toISOString().slice(0, 19) !== text.slice(0, 19)) {
    throw fail('INVALID_ARGUMENT', 'expiresAt must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z');
  }
  return millis;
}

async function loadHold(ctx: PaymentsContext, holdId: string): Promise<Hold> {
  requireId(holdId, 'holdId');
  const hold = await ctx.state.get<Hold>(KEY.hold, [holdId]);
  if (!hold) {
    throw fail('HOLD_NOT_FOUND', `hold ${holdId} does not exist`);
  }
  return hold;
}

function requireAuthorized(hold: Hold): void {
  if (hold.status !== 'authorized') {
    throw fail('HOLD_NOT_ACTIVE', `hold ${hold.holdId} is ${hold.status}`);
  }
}

/**
 * Reserves funds of `from` for `to` until `expiresAt`: they move from the
 * payer's available to its held balance, so they cannot be spent elsewhere.
 * Counts against the payer's limits like a payment.
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
  const existing = await ctx.state.get<Hold>(KEY.hold, [holdId]);
  if (existing) {
    const same =
      existing.from === fromId &&
      existing.to === toId &&
      existing.amount === amount.toString() &&
      existing.currency === currency &&
      Date.parse(existing.expiresAt) === expiry;
    if (!same) {
      throw fail('DUPLICATE_HOLD', `holdId ${holdId} was already used for a different hold`);
    }
    if (existing.initiator !== ctx.caller.owner) {
      throw fail('FORBIDDEN', `hold ${holdId} was authorized by another identity`);
    }
    return existing;
  }
  const from = await loadAccount(ctx, fromId);
  requireOwner(ctx.caller, from);
  if (fromId === toId) {
    throw fail('SAME_ACCOUNT', 'from and to must differ');
  }
  const to = await loadAccount(ctx, toId);
  requireActive(from);
  requireActive(to);
  requireCurrencyOf(from, currency);
  requireCurrencyOf(to, currency);
  if (expiry <= ctx.nowMillis) {
    throw fail('INVALID_ARGUMENT', 'expiresAt must be after the transaction time');
  }
  const recordSpent = await checkLimits(ctx, fromId, amount);
  const bal = await loadBalance(ctx, fromId);
  if (bal.available < amount) {
    throw fail(
      'INSUFFICIENT_FUNDS',
      `account ${fromId} has ${bal.available} settled available, needs ${amount} (fold pending credits first)`,
    );
  }
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
  };
  await storeBalance(ctx, fromId, bal.available - amount, bal.held + amount);
  await recordSpent();
  await ctx.state.put(KEY.hold, [holdId], hold);
  emit(ctx.stub, 'HoldAuthorized', hold);
  return hold;
}

/**
 * Captures (part of) a hold for the payee, before expiry. The captured
 * amount goes to the payee as a blind credit; the rest returns to the
 * payer's available balance. Only the payee's owner may capture.
 */
export async function captureHold(ctx: PaymentsContext, holdId: string, amountText: string): Promise<Hold> {
  const amount = parseAmount(amountText);
  const hold = await loadHold(ctx, holdId);
  requireAuthorized(hold);
  const to = await loadAccount(ctx, hold.to);
  requireOwner(ctx.caller, to);
  requireActive(to);
  if (ctx.nowMillis >= Date.parse(hold.expiresAt)) {
    throw fail('HOLD_EXPIRED', `hold ${holdId} expired at ${hold.expiresAt}`);
  }
  const held = BigInt(hold.amount);
  if (amount > held) {
    throw fail('INVALID_AMOUNT', `capture ${amount} exceeds the hold amount ${held}`);
  }
  const bal = await loadBalance(ctx, hold.from);
  const now = ctx.now;
  const captured: Hold = { ...hold, status: 'captured', captured: amount.toString(), closedAt: now };
  await storeBalance(ctx, hold.from, bal.available + (held - amount), bal.held - held);
  await writeCredit(ctx, to, amount, 'capture', holdId);
  await ctx.state.put(KEY.hold, [holdId], captured);
  const line = {
    kind: 'capture' as const,
    id: holdId,
    amount: amount.toString(),
    currency: hold.currency,
    at: now,
  };
  await writeHistory(ctx, { ...line, accountId: hold.from, direction: 'out', counterparty: hold.to });
  await writeHistory(ctx, { ...line, accountId: hold.to, direction: 'in', counterparty: hold.from });
  emit(ctx.stub, 'HoldCaptured', captured);
  return captured;
}

async function unhold(ctx: PaymentsContext, hold: Hold, status: 'released' | 'expired'): Promise<Hold> {
  const bal = await loadBalance(ctx, hold.from);
  const held = BigInt(hold.amount);
  const closed: Hold = { ...hold, status, closedAt: ctx.now };
  await storeBalance(ctx, hold.from, bal.available + held, bal.held - held);
  await ctx.state.put(KEY.hold, [hold.holdId], closed);
  return closed;
}

/** Releases a hold in full (payer's or payee's owner); works on frozen accounts since it only returns money. */
export async function releaseHold(ctx: PaymentsContext, holdId: string): Promise<Hold> {
  const hold = await loadHold(ctx, holdId);
  requireAuthorized(hold);
  const from = await loadAccount(ctx, hold.from);
  const to = await loadAccount(ctx, hold.to);
  if (ctx.caller.owner !== from.owner && ctx.caller.owner !== to.owner) {
    throw fail('FORBIDDEN', `only the payer or payee of hold ${holdId} may release it`);
  }
  const released = await unhold(ctx, hold, 'released');
  emit(ctx.stub, 'HoldReleased', released);
  return released;
}

/** Expires a hold once the transaction time is at or past expiresAt; anyone may call it. */
export async function expireHold(ctx: PaymentsContext, holdId: string): Promise<Hold> {
  const hold = await loadHold(ctx, holdId);
  requireAuthorized(hold);
  if (ctx.nowMillis < Date.parse(hold.expiresAt)) {
    throw fail('HOLD_NOT_EXPIRED', `hold ${holdId} expires at ${hold.expiresAt}`);
  }
  const expired = await unhold(ctx, hold, 'expired');
  emit(ctx.stub, 'HoldExpired', expired);
  return expired;
}
