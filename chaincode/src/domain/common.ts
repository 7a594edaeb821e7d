import { parseStored } from '../amount';
import { Caller, isAdminFor, mspOfOwner } from '../acl';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import {
  Account,
  Credit,
  creditIdOf,
  CreditSource,
  HistoryEntry,
  ID_PATTERN,
  isValidId,
  isValidText,
  MAX_TEXT_LENGTH,
} from '@fabpay/model';
import { KEY, invertedTime } from '../keys';
import { BalanceRecord } from '../state-records';

/** Throws INVALID_ARGUMENT unless `id` is a valid caller-chosen ID. */
export function requireId(id: unknown, what: string): string {
  if (typeof id !== 'string' || !isValidId(id)) {
    throw fail('INVALID_ARGUMENT', `${what} must match ${ID_PATTERN}`);
  }
  return id;
}

/** Free text (reference, reason): printable ASCII, bounded, so it is safe in events and logs (@fabpay/model's rule). */
export function requireText(text: unknown, what: string): string {
  if (typeof text !== 'string' || !isValidText(text)) {
    throw fail('INVALID_ARGUMENT', `${what} must be at most ${MAX_TEXT_LENGTH} printable ASCII characters`);
  }
  return text;
}

/** Loads an account or throws ACCOUNT_NOT_FOUND. */
export async function loadAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
  const account = await ctx.state.get<Account>(KEY.account, [accountId]);
  if (!account) {
    throw fail('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
  }
  return account;
}

/**
 * Throws ACCOUNT_FROZEN / ACCOUNT_CLOSED unless the account is active, and ORG_NOT_MEMBER when
 * its owner's org has left the payments governance (`org remove`): its accounts stay on the
 * ledger and readable, but money moved in would be stranded with an org that no longer endorses
 * (its custody policy names that org), and none may be moved out without it.
 */
export async function requireActive(ctx: PaymentsContext, account: Account): Promise<void> {
  const ownerMsp = mspOfOwner(account.owner);
  if (!(await ctx.governance()).members.includes(ownerMsp)) {
    throw fail(
      'ORG_NOT_MEMBER',
      `account ${account.accountId} belongs to ${ownerMsp}, which is not a member of the payments governance`,
    );
  }
  if (account.status === 'frozen') {
    throw fail('ACCOUNT_FROZEN', `account ${account.accountId} is frozen`);
  }
  if (account.status === 'closed') {
    throw fail('ACCOUNT_CLOSED', `account ${account.accountId} is closed`);
  }
}

/** Throws ACCOUNT_CLOSED if the account is closed (frozen is allowed). */
export function requireNotClosed(account: Account): void {
  if (account.status === 'closed') {
    throw fail('ACCOUNT_CLOSED', `account ${account.accountId} is closed`);
  }
}

/** Throws FORBIDDEN unless the caller owns the account. */
export function requireOwner(caller: Caller, account: Account): void {
  if (caller.owner !== account.owner) {
    throw fail('FORBIDDEN', `caller does not own account ${account.accountId}`);
  }
}

/** Throws FORBIDDEN unless the caller owns the account or is an admin of the owner's org. */
export function requireOwnerOrAdmin(caller: Caller, account: Account): void {
  if (caller.owner !== account.owner && !isAdminFor(caller, account.owner)) {
    throw fail(
      'FORBIDDEN',
      `caller neither owns account ${account.accountId} nor is an admin of its organisation`,
    );
  }
}

/** Throws CURRENCY_MISMATCH unless the account holds `currency`. */
export function requireCurrencyOf(account: Account, currency: string): void {
  if (account.currency !== currency) {
    throw fail(
      'CURRENCY_MISMATCH',
      `account ${account.accountId} holds ${account.currency}, not ${currency}`,
    );
  }
}

/** Settled balance of an account (written at open, so present for every account). */
export async function loadBalance(
  ctx: PaymentsContext,
  accountId: string,
): Promise<{ available: bigint; held: bigint }> {
  const rec = await ctx.state.get<BalanceRecord>(KEY.balance, [accountId]);
  return rec
    ? { available: parseStored(rec.available), held: parseStored(rec.held) }
    : { available: 0n, held: 0n };
}

/** Writes the settled balance. */
export async function storeBalance(
  ctx: PaymentsContext,
  accountId: string,
  available: bigint,
  held: bigint,
): Promise<void> {
  if (available < 0n || held < 0n) {
    // Unreachable if the checks before are right; refuse rather than write a negative balance.
    throw new Error(`internal: negative balance for ${accountId}`);
  }
  const rec: BalanceRecord = { available: available.toString(), held: held.toString() };
  await ctx.state.put(KEY.balance, [accountId], rec);
}

/**
 * Credits an account with a blind write of a new, uniquely keyed credit
 * record. It reads nothing of the payee's balance, so any number of
 * concurrent credits to one account commit without MVCC or phantom
 * conflicts; the amount is spendable after a fold (foldCredits) and is
 * counted by balance queries at once.
 */
export async function writeCredit(
  ctx: PaymentsContext,
  account: Account,
  amount: bigint,
  source: CreditSource,
  scope: [string, string],
): Promise<Credit> {
  const credit: Credit = {
    creditId: creditIdOf(source, scope),
    accountId: account.accountId,
    amount: amount.toString(),
    currency: account.currency,
    source,
    sourceId: scope.join(':'),
    at: ctx.now,
  };
  await ctx.state.put(KEY.credit, [account.accountId, credit.creditId], credit);
  return credit;
}

/**
 * Adds a history line for an account (blind write of a unique key, newest
 * first in key order). The entry key names the payer side too, because IDs
 * are unique only within the payer's account: two payers may both use
 * payment ID "p1" towards one payee in the same millisecond.
 */
export async function writeHistory(ctx: PaymentsContext, entry: HistoryEntry, payer: string): Promise<void> {
  await ctx.state.put(
    KEY.history,
    [entry.accountId, invertedTime(ctx.nowMillis), `${entry.kind}:${payer}:${entry.id}:${entry.direction}`],
    entry,
  );
}

/** UTC day of the transaction, the bucket for daily limits. */
export function dayOf(ctx: PaymentsContext): string {
  return ctx.now.slice(0, 10);
}
