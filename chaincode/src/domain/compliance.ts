import { parseOptionalAmount } from '../amount';
import { requireRole } from '../acl';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account, Limits } from '../model';
import { loadAccount, requireId, requireNotClosed, requireText } from './common';

/** Freezes an account (compliance only): it can then neither send nor receive. */
export async function freezeAccount(
  ctx: PaymentsContext,
  accountId: string,
  reason: string,
): Promise<Account> {
  requireId(accountId, 'accountId');
  requireText(reason, 'reason');
  requireRole(ctx.caller, 'compliance');
  const account = await loadAccount(ctx, accountId);
  requireNotClosed(account);
  const frozen: Account = { ...account, status: 'frozen', frozenReason: reason, updatedAt: ctx.now };
  await ctx.state.put(KEY.account, [accountId], frozen);
  emit(ctx.stub, 'AccountFrozen', frozen);
  return frozen;
}

/** Unfreezes an account (compliance only). */
export async function unfreezeAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
  requireId(accountId, 'accountId');
  requireRole(ctx.caller, 'compliance');
  const account = await loadAccount(ctx, accountId);
  requireNotClosed(account);
  const active: Account = { ...account, status: 'active', frozenReason: '', updatedAt: ctx.now };
  await ctx.state.put(KEY.account, [accountId], active);
  emit(ctx.stub, 'AccountUnfrozen', active);
  return active;
}

/**
 * Sets per-payment and per-day limits (owner or compliance). Kept in their
 * own key, read only by the account's debits, so changing limits never
 * conflicts with payments *to* the account.
 */
export async function setLimits(
  ctx: PaymentsContext,
  accountId: string,
  perPayment: string,
  perDay: string,
): Promise<Limits> {
  requireId(accountId, 'accountId');
  const p = parseOptionalAmount(perPayment, 'perPayment');
  const d = parseOptionalAmount(perDay, 'perDay');
  const account = await loadAccount(ctx, accountId);
  if (ctx.caller.owner !== account.owner && ctx.caller.role !== 'compliance') {
    throw fail('FORBIDDEN', `only the owner of ${accountId} or compliance may set its limits`);
  }
  requireNotClosed(account);
  const limits: Limits = {
    accountId,
    perPayment: p === null ? '' : p.toString(),
    perDay: d === null ? '' : d.toString(),
  };
  await ctx.state.put(KEY.limits, [accountId], limits);
  emit(ctx.stub, 'LimitsSet', limits);
  return limits;
}
