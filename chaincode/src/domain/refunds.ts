import { parseAmount, parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Payment, Refund } from '../model';
import {
  loadAccount,
  loadBalance,
  requireActive,
  requireId,
  requireOwner,
  requireText,
  storeBalance,
  writeCredit,
  writeHistory,
} from './common';

/**
 * Refunds (part of) a settled payment: the payee's owner pays back to the
 * payer. The sum of a payment's refunds is kept in its own key, read and
 * written here, so concurrent refunds of one payment serialise and can never
 * exceed it, while the payment record itself stays as first written.
 */
export async function refund(
  ctx: PaymentsContext,
  refundId: string,
  paymentId: string,
  amountText: string,
  reason: string,
): Promise<Refund> {
  requireId(refundId, 'refundId');
  requireId(paymentId, 'paymentId');
  const amount = parseAmount(amountText);
  requireText(reason, 'reason');
  const existing = await ctx.state.get<Refund>(KEY.refund, [refundId]);
  if (existing) {
    if (
      existing.paymentId !== paymentId ||
      existing.amount !== amount.toString() ||
      existing.reason !== reason
    ) {
      throw fail('DUPLICATE_REFUND', `refundId ${refundId} was already used for a different refund`);
    }
    if (existing.initiator !== ctx.caller.owner) {
      throw fail('FORBIDDEN', `refund ${refundId} was submitted by another identity`);
    }
    return existing;
  }
  const payment = await ctx.state.get<Payment>(KEY.payment, [paymentId]);
  if (!payment) {
    throw fail('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`);
  }
  const payee = await loadAccount(ctx, payment.to);
  requireOwner(ctx.caller, payee);
  const payer = await loadAccount(ctx, payment.from);
  requireActive(payee);
  requireActive(payer);
  const refundedRec = await ctx.state.get<{ refunded: string }>(KEY.refunded, [paymentId]);
  const refunded = refundedRec ? parseStored(refundedRec.refunded) : 0n;
  const total = BigInt(payment.amount);
  if (refunded + amount > total) {
    throw fail(
      'REFUND_EXCEEDS_PAYMENT',
      `payment ${paymentId} of ${total} has ${refunded} refunded; ${amount} more exceeds it`,
    );
  }
  const bal = await loadBalance(ctx, payee.accountId);
  if (bal.available < amount) {
    throw fail(
      'INSUFFICIENT_FUNDS',
      `account ${payee.accountId} has ${bal.available} settled available, needs ${amount} (fold pending credits first)`,
    );
  }
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
  await storeBalance(ctx, payee.accountId, bal.available - amount, bal.held);
  await writeCredit(ctx, payer, amount, 'refund', refundId);
  await ctx.state.put(KEY.refunded, [paymentId], { refunded: (refunded + amount).toString() });
  await ctx.state.put(KEY.refund, [refundId], record);
  const line = {
    kind: 'refund' as const,
    id: refundId,
    amount: record.amount,
    currency: record.currency,
    at: now,
  };
  await writeHistory(ctx, {
    ...line,
    accountId: payee.accountId,
    direction: 'out',
    counterparty: payer.accountId,
  });
  await writeHistory(ctx, {
    ...line,
    accountId: payer.accountId,
    direction: 'in',
    counterparty: payee.accountId,
  });
  emit(ctx.stub, 'PaymentRefunded', record);
  return record;
}
