import { parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { emit } from '../events';
import { Credit, CREDIT_ID_PATTERN, Fold } from '@fabpay/model';
import { KEY } from '../keys';
import { loadAccount, requireId, requireOwnerOrAdmin } from './common';
import { addToShards } from './shards';

/** Most credits one fold may name (bounds the transaction's read set). */
export const MAX_FOLD = 100;
const CREDIT_ID_RE = new RegExp(CREDIT_ID_PATTERN);

/** Parses a comma-separated credit ID list ("" = none when `allowEmpty`). */
export function parseCreditIds(list: string, allowEmpty = false): string[] {
  if (allowEmpty && list === '') {
    return [];
  }
  const creditIds = list.split(',');
  if (creditIds.length > MAX_FOLD || creditIds.some((c) => !CREDIT_ID_RE.test(c))) {
    throw fail('INVALID_ARGUMENT', `creditIds must be 1..${MAX_FOLD} comma-separated credit IDs`);
  }
  if (new Set(creditIds).size !== creditIds.length) {
    throw fail('INVALID_ARGUMENT', 'creditIds must not repeat');
  }
  return creditIds;
}

/**
 * Point-reads the named pending credits of an account (never a range query)
 * and returns their total plus the writes that consume them. The caller
 * adds the total to the settled balance it writes.
 */
export async function takeCredits(
  ctx: PaymentsContext,
  accountId: string,
  creditIds: string[],
): Promise<{ total: bigint; consume: () => Promise<void> }> {
  let total = 0n;
  for (const creditId of creditIds) {
    const credit = await ctx.state.get<Credit>(KEY.credit, [accountId, creditId]);
    if (!credit) {
      throw fail('CREDIT_NOT_FOUND', `no pending credit ${creditId} on account ${accountId}`);
    }
    total += parseStored(credit.amount);
  }
  return {
    total,
    consume: async () => {
      for (const creditId of creditIds) {
        await ctx.state.del(KEY.credit, [accountId, creditId]);
      }
    },
  };
}

/**
 * Folds named pending credits into the settled balance. Reads exactly the
 * listed credit keys (point reads, no range query) plus the balance, deletes
 * the credits and writes the balance. A concurrent payment to the account
 * creates a *new* credit key this fold never reads, so folds and incoming
 * payments never conflict; two folds of the same credit conflict on that key
 * (MVCC), so a credit can never be folded twice.
 *
 * Only the owner (or an admin of the owner's org) may fold: a fold rewrites
 * the balance key every debit of the account reads, so a stranger folding
 * would invalidate the owner's in-flight debits (MVCC) at will. A payee that
 * wants its credits settled folds its own, or spends them with
 * payWithCredits.
 */
export async function foldCredits(
  ctx: PaymentsContext,
  accountId: string,
  creditIdList: string,
): Promise<Fold> {
  requireId(accountId, 'accountId');
  const creditIds = parseCreditIds(creditIdList);
  const account = await loadAccount(ctx, accountId);
  requireOwnerOrAdmin(ctx.caller, account);
  const { total, consume } = await takeCredits(ctx, accountId, creditIds);
  await consume();
  // A sharded account's fold spreads its funds over every shard (shards.ts); `after` is the sum.
  const after = await addToShards(ctx, account, total);
  const fold: Fold = {
    accountId,
    creditIds,
    amount: total.toString(),
    available: after.available.toString(),
    held: after.held.toString(),
  };
  emit(ctx.stub, 'CreditsFolded', fold);
  return fold;
}
