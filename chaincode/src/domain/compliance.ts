import { requireComplianceFor } from '../acl';
import { PaymentsContext } from '../context';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account } from '@fabpay/model';
import { loadAccount, requireId, requireNotClosed, requireText } from './common';

/**
 * Freezes an account (compliance granted over the owner's MSP): it can then
 * neither send nor receive, and no hold on it can be captured. Freezing a
 * frozen account with the same reason changes nothing.
 */
export async function freezeAccount(
  ctx: PaymentsContext,
  accountId: string,
  reason: string,
): Promise<Account> {
  requireId(accountId, 'accountId');
  requireText(reason, 'reason');
  const account = await loadAccount(ctx, accountId);
  requireComplianceFor(ctx.caller, await ctx.governance(), account);
  requireNotClosed(account);
  if (account.status === 'frozen' && account.frozenReason === reason) {
    // Already so: writing the descriptor again would only invalidate in-flight payments (MVCC).
    return account;
  }
  const frozen: Account = { ...account, status: 'frozen', frozenReason: reason, updatedAt: ctx.now };
  await ctx.state.put(KEY.account, [accountId], frozen);
  emit(ctx.stub, 'AccountFrozen', frozen);
  return frozen;
}

/** Unfreezes an account (compliance granted over the owner's MSP); an active account is left as it is. */
export async function unfreezeAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
  requireId(accountId, 'accountId');
  const account = await loadAccount(ctx, accountId);
  requireComplianceFor(ctx.caller, await ctx.governance(), account);
  requireNotClosed(account);
  if (account.status === 'active') {
    // Nothing to do, and a write would invalidate the account's in-flight payments (MVCC).
    return account;
  }
  const active: Account = { ...account, status: 'active', frozenReason: '', updatedAt: ctx.now };
  await ctx.state.put(KEY.account, [accountId], active);
  emit(ctx.stub, 'AccountUnfrozen', active);
  return active;
}
