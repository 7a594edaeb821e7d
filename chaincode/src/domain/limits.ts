import { parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { KEY } from '../keys';
import { Limits } from '../model';
import { dayOf } from './common';

/**
 * Checks the account's per-payment and per-day limits for an outgoing amount
 * and returns the write that records the day's new total. Limits and the
 * day's counter are keys of the payer only, so this adds no conflict with
 * anyone but the payer's other debits.
 */
export async function checkLimits(
  ctx: PaymentsContext,
  accountId: string,
  amount: bigint,
): Promise<() => Promise<void>> {
  const limits = await ctx.state.get<Limits>(KEY.limits, [accountId]);
  const day = dayOf(ctx);
  if (limits && limits.perPayment !== '' && amount > parseStored(limits.perPayment)) {
    throw fail(
      'LIMIT_EXCEEDED',
      `amount ${amount} exceeds the per-payment limit ${limits.perPayment} of ${accountId}`,
    );
  }
  if (!limits || limits.perDay === '') {
    // No daily limit: do not read or write the counter at all.
    return async () => {};
  }
  const spentRec = await ctx.state.get<{ amount: string }>(KEY.spent, [accountId, day]);
  const spent = spentRec ? parseStored(spentRec.amount) : 0n;
  if (spent + amount > parseStored(limits.perDay)) {
    throw fail(
      'DAILY_LIMIT_EXCEEDED',
      `${accountId} has spent ${spent} today; ${amount} more exceeds the daily limit ${limits.perDay}`,
    );
  }
  return async () => {
    await ctx.state.put(KEY.spent, [accountId, day], { amount: (spent + amount).toString() });
  };
}
