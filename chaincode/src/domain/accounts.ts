import { isAdminFor } from '../acl';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { requireCurrency } from '../currencies';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account } from '@fabpay/model';
import { loadAccount, loadBalance, requireId, requireOwnerOrAdmin } from './common';

/**
 * Opens an account. The owner is the caller, unless an org admin opens it for
 * an owner of the admin's own MSP (admins of one org cannot create accounts
 * for another org's identities).
 */
export async function openAccount(
  ctx: PaymentsContext,
  accountId: string,
  currency: string,
  owner: string,
): Promise<Account> {
  requireId(accountId, 'accountId');
  requireCurrency(currency);
  const caller = ctx.caller;
  let accountOwner = caller.owner;
  if (owner !== '' && owner !== caller.owner) {
    if (!isAdminFor(caller, owner)) {
      throw fail('FORBIDDEN', 'only an org admin may open an account for another owner of its own MSP');
    }
    accountOwner = owner;
  }
  if (await ctx.state.get<Account>(KEY.account, [accountId])) {
    throw fail('ACCOUNT_EXISTS', `account ${accountId} already exists`);
  }
  const now = ctx.now;
  const account: Account = {
    accountId,
    owner: accountOwner,
    currency,
    status: 'active',
    openedAt: now,
    updatedAt: now,
    frozenReason: '',
  };
  await ctx.state.put(KEY.account, [accountId], account);
  await ctx.state.put(KEY.balance, [accountId], { available: '0', held: '0' });
  // The descriptor says who may debit; the balance is the money: both are in the owner org's custody.
  await protectNewKey(ctx, account, KEY.account, [accountId]);
  await protectNewKey(ctx, account, KEY.balance, [accountId]);
  await ctx.state.put(KEY.owner, [accountOwner, accountId], { accountId });
  emit(ctx.stub, 'AccountOpened', account);
  return account;
}

/**
 * Closes an account with a zero balance: nothing available, nothing held and
 * no pending credits. The pending-credit check is a range scan, so a credit
 * committed concurrently invalidates the close (phantom read) — which is the
 * point: the close must not strand that money.
 */
export async function closeAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
  requireId(accountId, 'accountId');
  const account = await loadAccount(ctx, accountId);
  requireOwnerOrAdmin(ctx.caller, account);
  if (account.status === 'closed') {
    throw fail('ACCOUNT_CLOSED', `account ${accountId} is already closed`);
  }
  if (account.status === 'frozen') {
    throw fail('ACCOUNT_FROZEN', `account ${accountId} is frozen`);
  }
  const bal = await loadBalance(ctx, accountId);
  const pending = await ctx.state.scan(KEY.credit, [accountId]);
  if (bal.available !== 0n || bal.held !== 0n || pending.length > 0) {
    throw fail(
      'BALANCE_NOT_ZERO',
      `account ${accountId} still holds funds (available ${bal.available}, held ${bal.held}, ${pending.length} pending credits)`,
    );
  }
  const closed: Account = { ...account, status: 'closed', updatedAt: ctx.now };
  await ctx.state.put(KEY.account, [accountId], closed);
  emit(ctx.stub, 'AccountClosed', closed);
  return closed;
}
