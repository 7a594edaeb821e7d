import { parseAmount, parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Payment, Refund } from '@fabpay/model';
import {
  loadAccount,
  requireActive,
  requireId,
  requireOwner,
  requireText,
  writeCredit,
  writeHistory,
} from './common';
import { debitFunds } from './shards';

/**
 * Refunds (part of) a settled payment: the payee's owner pays back to the
 * payer. The payment is named by its payer account and payment ID; refund
 * IDs are scoped within the payment (key [from, paymentId, refundId]), and
 * a replay checks the initiator before comparing content. The sum of a payment's refunds is kept in its own key, read and
 * written here, so concurrent refunds of one payment serialise and can never
 * exceed it, while the payment record itself stays as first written.
 */
export async function refund(
  ctx: PaymentsContext,
  from: string,
  paymentId: string,
  refundId: string,
  amountText: string,
  reason: string,
): Promise<Refund> {
  requireId(from, 'from');
  requireId(paymentId, 'paymentId');
  requireId(refundId, 'refundId');
  const amount = parseAmount(amountText);
  requireText(reason, 'reason');
  const existing = await ctx.state.get<Refund>(KEY.refund, [from, paymentId, refundId]);
  if (existing) {
    if (existing.initiator !== ctx.caller.owner) {
      throw fail('FORBIDDEN', `refund ${refundId} was submitted by another identity`);
    }
    if (existing.amount !== amount.toString() || existing.reason !== reason) {
      throw fail('DUPLICATE_REFUND', `refundId ${refundId} was already used for a different refund`);
    }
    return existing;
  }
  const payment = await ctx.state.get<Payment>(KEY.payment, [from, paymentId]);
  if (!payment) {
    throw fail('PAYMENT_NOT_FOUND', `payment ${paymentId} of account ${from} does not exist`);
  }
  const payee = await loadAccount(ctx, payment.to);
  requireOwner(ctx.caller, payee);
  const payer = await loadAccount(ctx, payment.from);
  await requireActive(ctx, payee);
  await requireActive(ctx, payer);
  const refundedRec = await ctx.state.get<{ refunded: string }>(KEY.refunded, [from, paymentId]);
  const refunded = refundedRec ? parseStored(refundedRec.refunded) : 0n;
  const total = BigInt(payment.amount);
  if (refunded + amount > total) {
    throw fail(
      'REFUND_EXCEEDS_PAYMENT',
      `payment ${paymentId} of ${total} has ${refunded} refunded; ${amount} more exceeds it`,
    );
  }
  const funds = await debitFunds(ctx, payee, amount, {
    shortfall: (available) =>
      fail(
        'INSUFFICIENT_FUNDS',
        `account ${payee.accountId} has ${available} settled available, needs ${amount} (fold pending credits first)`,
      ),
  });
  const now = ctx.now;
  const record: Refund = {
    refundId,
    paymentId,
    from: payee.accountId,
    to: payer.accountId,
    amount: amount.toString(),
    currency: payment.currency,
    reason,
    initiator: ctx.caller.owner,
    at: now,
  };
  await funds.apply();
  await writeCredit(ctx, payer, amount, 'refund', [paymentId, refundId]);
  await ctx.state.put(KEY.refunded, [from, paymentId], { refunded: (refunded + amount).toString() });
  await ctx.state.put(KEY.refund, [from, paymentId, refundId], record);
  const line = {
    kind: 'refund' as const,
    id: `${paymentId}:${refundId}`,
    amount: record.amount,
    currency: record.currency,
    at: now,
  };
  await writeHistory(
    ctx,
    {
      ...line,
      accountId: payee.accountId,
      direction: 'out',
      counterparty: payer.accountId,
    },
    payer.accountId,
  );
  await writeHistory(
    ctx,
    {
      ...line,
      accountId: payer.accountId,
      direction: 'in',
      counterparty: payee.accountId,
    },
    payer.accountId,
  );
  emit(ctx.stub, 'PaymentRefunded', record);
  return record;
}
