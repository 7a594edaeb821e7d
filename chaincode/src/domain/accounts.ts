import { isAdminFor } from '../acl';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { requireCurrency } from '../currencies';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account, isValidShardCount, MAX_SHARDS, ShardBalances } from '@fabpay/model';
import { loadAccount, requireId, requireOwnerOrAdmin } from './common';
import { createShards, evenShards, loadShards, shardBalances, totals } from './shards';

/**
 * Opens an account. The owner is the caller, unless an org admin opens it for
 * an owner of the admin's own MSP (admins of one org cannot create accounts
 * for another org's identities).
 */
export function openAccount(
  ctx: PaymentsContext,
  accountId: string,
  currency: string,
  owner: string,
): Promise<Account> {
  return open(ctx, accountId, currency, owner, 1);
}

/** Parses openShardedAccount's shard count: a decimal whole number 1..{@link MAX_SHARDS}. */
export function parseShardCount(text: string): number {
  const n = /^[1-9][0-9]?$/.test(text) ? Number(text) : NaN;
  if (!isValidShardCount(n)) {
    throw fail('INVALID_ARGUMENT', `shards must be a whole number from 1 to ${MAX_SHARDS}`);
  }
  return n;
}

/**
 * Opens an account whose settled funds are split across `shards`
 * sub-balances (README "Hot payers"), so that concurrent debits of it
 * need not conflict. Same rules as openAccount; `"1"` opens exactly the
 * account openAccount does.
 */
export function openShardedAccount(
  ctx: PaymentsContext,
  accountId: string,
  currency: string,
  owner: string,
  shards: string,
): Promise<Account> {
  return open(ctx, accountId, currency, owner, parseShardCount(shards));
}

async function open(
  ctx: PaymentsContext,
  accountId: string,
  currency: string,
  owner: string,
  shards: number,
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
    // One shard is an account as it always was: no field, the same descriptor bytes.
    ...(shards > 1 ? { shards } : {}),
  };
  await ctx.state.put(KEY.account, [accountId], account);
  await ctx.state.put(KEY.balance, [accountId], { available: '0', held: '0' });
  await createShards(ctx, account);
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
  // Every shard (point reads; an account of one shard reads its one balance).
  const bal = totals(await loadShards(ctx, account));
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

/**
 * Evens the settled available funds of a sharded account out across its
 * shards (holds stay on their shards). Owner or an admin of its org, like a
 * fold: it rewrites the shard keys every debit of the account reads, so a
 * stranger could use it to invalidate the owner's in-flight debits.
 * Value-neutral. Reads and writes every shard, so it conflicts with the
 * account's debits endorsed before it commits; shards whose balance does not
 * change are not written.
 */
export async function rebalanceShards(ctx: PaymentsContext, accountId: string): Promise<ShardBalances> {
  requireId(accountId, 'accountId');
  const account = await loadAccount(ctx, accountId);
  requireOwnerOrAdmin(ctx.caller, account);
  if (account.status === 'closed') {
    throw fail('ACCOUNT_CLOSED', `account ${accountId} is closed`);
  }
  const after = await evenShards(ctx, account);
  emit(ctx.stub, 'ShardsRebalanced', after);
  return after;
}

/** Per-shard settled balances of an account (one entry for an account of one balance). */
export async function getShards(ctx: PaymentsContext, accountId: string): Promise<ShardBalances> {
  const account = await loadAccount(ctx, requireId(accountId, 'accountId'));
  return shardBalances(account.accountId, await loadShards(ctx, account));
}
