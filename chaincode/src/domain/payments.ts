import { parseAmount, parseAmountOrZero, parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { protectNewKey } from '../custody';
import { requireCurrency } from '../currencies';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account, Allowance, Payment, PaymentVia } from '@fabpay/model';
import {
  loadAccount,
  requireActive,
  requireCurrencyOf,
  requireId,
  requireOwner,
  requireText,
  writeCredit,
  writeHistory,
} from './common';
import { parseCreditIds, takeCredits } from './fold';
import { checkLimits } from './limits';
import { debitFunds } from './shards';

/** Owner strings are long X.509 DNs; bound them so keys stay reasonable. */
const MAX_OWNER_LENGTH = 1024;

/**
 * Sets a spender's allowance on the caller's account, compare-and-set: the
 * caller names the value it expects to replace ("0" when none), and a
 * mismatch is refused with ALLOWANCE_MISMATCH. A spender who front-runs a
 * change by spending the old allowance therefore makes the change fail
 * instead of getting old + new (the ERC-20 approve race). "0" revokes.
 */
export async function approve(
  ctx: PaymentsContext,
  accountId: string,
  spender: string,
  expectedText: string,
  amountText: string,
): Promise<Allowance> {
  requireId(accountId, 'accountId');
  if (spender.length === 0 || spender.length > MAX_OWNER_LENGTH || spender.includes('\u0000')) {
    throw fail('INVALID_ARGUMENT', 'spender must be an owner string ("<MSP ID>::<identity ID>")');
  }
  const expected = parseAmountOrZero(expectedText, 'expected');
  const amount = parseAmountOrZero(amountText);
  const account = await loadAccount(ctx, accountId);
  requireOwner(ctx.caller, account);
  const current = await ctx.state.get<Allowance>(KEY.allowance, [accountId, spender]);
  const currentAmount = current ? parseStored(current.amount) : 0n;
  if (currentAmount !== expected) {
    throw fail(
      'ALLOWANCE_MISMATCH',
      `the allowance of this spender on ${accountId} is ${currentAmount}, not the expected ${expected}`,
    );
  }
  const allowance: Allowance = { accountId, spender, amount: amount.toString() };
  await ctx.state.put(KEY.allowance, [accountId, spender], allowance);
  if (!current) {
    await protectNewKey(ctx, account, KEY.allowance, [accountId, spender]);
  }
  emit(ctx.stub, 'AllowanceApproved', allowance);
  return allowance;
}

/** The fields of a payment its caller chooses, which a replay must repeat. */
interface PayRequest extends Pick<
  Payment,
  'paymentId' | 'from' | 'to' | 'amount' | 'currency' | 'reference' | 'via'
> {
  /** Pending credits of `from` to fold into its balance first (not part of the idempotency comparison). */
  creditIds: string[];
}

function sameRequest(p: Payment, r: PayRequest): boolean {
  return (
    p.from === r.from &&
    p.to === r.to &&
    p.amount === r.amount &&
    p.currency === r.currency &&
    p.reference === r.reference &&
    p.via === r.via
  );
}

/**
 * Moves money from `from` to `to`.
 *
 * Payment IDs are scoped within the payer's account (key [from, paymentId]),
 * so nobody paying from another account can claim an ID this payer will use.
 * On a replay the initiator is checked before any content: a stranger gets
 * FORBIDDEN whether or not its guess of the request matches.
 *
 * Keys read: the governance (admission; written only by governance
 * changes), the payment ID, both account descriptors (status and currency;
 * only open/close/freeze write them), the payer's balance, limits, day
 * counter and (payFrom) allowance (a sharded payer: one shard and its day
 * counter, see shards.ts). Keys written: the payment, the payer's
 * balance/day counter/allowance, and blind writes of the payee's credit and
 * both history lines. Nothing a concurrent payment to the same payee writes
 * is read here, so payments from different payers to one merchant never
 * conflict.
 */
async function settle(ctx: PaymentsContext, req: PayRequest): Promise<Payment> {
  const caller = ctx.caller;
  const existing = await ctx.state.get<Payment>(KEY.payment, [req.from, req.paymentId]);
  if (existing) {
    if (existing.initiator !== caller.owner) {
      throw fail('FORBIDDEN', `payment ${req.paymentId} of ${req.from} was submitted by another identity`);
    }
    if (!sameRequest(existing, req)) {
      throw fail('DUPLICATE_PAYMENT', `paymentId ${req.paymentId} was already used for a different payment`);
    }
    // Idempotent replay: the original result, no writes, no event.
    return existing;
  }
  const amount = BigInt(req.amount);
  const from = await loadAccount(ctx, req.from);
  let allowance: bigint | null = null;
  if (req.via === 'owner') {
    requireOwner(caller, from);
  } else {
    const a = await ctx.state.get<Allowance>(KEY.allowance, [req.from, caller.owner]);
    allowance = a ? parseStored(a.amount) : 0n;
    if (allowance === 0n) {
      throw fail('FORBIDDEN', `caller has no allowance on account ${req.from}`);
    }
    if (allowance < amount) {
      throw fail('INSUFFICIENT_ALLOWANCE', `allowance ${allowance} on ${req.from} is less than ${amount}`);
    }
  }
  if (req.from === req.to) {
    throw fail('SAME_ACCOUNT', 'from and to must differ');
  }
  const to: Account = await loadAccount(ctx, req.to);
  await requireActive(ctx, from);
  await requireActive(ctx, to);
  requireCurrencyOf(from, req.currency);
  requireCurrencyOf(to, req.currency);
  const limits = await checkLimits(ctx, from, amount);
  const credits = await takeCredits(ctx, req.from, req.creditIds);
  const funds = await debitFunds(ctx, from, amount, {
    extra: credits.total,
    shortfall: (available) =>
      fail(
        'INSUFFICIENT_FUNDS',
        `account ${req.from} has ${available} settled available, needs ${amount} (fold pending credits first)`,
      ),
  });
  const now = ctx.now;
  const payment: Payment = {
    paymentId: req.paymentId,
    from: req.from,
    to: req.to,
    amount: req.amount,
    currency: req.currency,
    reference: req.reference,
    via: req.via,
    initiator: caller.owner,
    status: 'settled',
    refunded: '0',
    at: now,
    txId: ctx.stub.getTxID(),
  };
  await credits.consume();
  await funds.apply();
  await limits.record();
  if (allowance !== null) {
    const left: Allowance = {
      accountId: req.from,
      spender: caller.owner,
      amount: (allowance - amount).toString(),
    };
    await ctx.state.put(KEY.allowance, [req.from, caller.owner], left);
  }
  await writeCredit(ctx, to, amount, 'payment', [req.from, req.paymentId]);
  await ctx.state.put(KEY.payment, [req.from, req.paymentId], payment);
  const line = {
    kind: 'payment' as const,
    id: req.paymentId,
    amount: req.amount,
    currency: req.currency,
    at: now,
  };
  await writeHistory(ctx, { ...line, accountId: req.from, direction: 'out', counterparty: req.to }, req.from);
  await writeHistory(ctx, { ...line, accountId: req.to, direction: 'in', counterparty: req.from }, req.from);
  emit(ctx.stub, 'PaymentSettled', payment);
  return payment;
}

function request(
  paymentId: string,
  from: string,
  to: string,
  amountText: string,
  currency: string,
  reference: string,
  via: PaymentVia,
  creditIds: string[] = [],
): PayRequest {
  requireId(paymentId, 'paymentId');
  requireId(from, 'from');
  requireId(to, 'to');
  const amount = parseAmount(amountText);
  requireCurrency(currency);
  requireText(reference, 'reference');
  return { paymentId, from, to, amount: amount.toString(), currency, reference, via, creditIds };
}

/** Pays from an account the caller owns. */
export function pay(
  ctx: PaymentsContext,
  paymentId: string,
  from: string,
  to: string,
  amount: string,
  currency: string,
  reference: string,
): Promise<Payment> {
  return settle(ctx, request(paymentId, from, to, amount, currency, reference, 'owner'));
}

/** Pays from an account whose owner approved an allowance for the caller; consumes the allowance. */
export function payFrom(
  ctx: PaymentsContext,
  paymentId: string,
  from: string,
  to: string,
  amount: string,
  currency: string,
  reference: string,
): Promise<Payment> {
  return settle(ctx, request(paymentId, from, to, amount, currency, reference, 'allowance'));
}

/**
 * Pays from an account the caller owns after folding the named pending
 * credits of that account into its balance, in the same transaction: incoming
 * funds are spendable in one round trip. The credits are point reads (no
 * range query), so this still conflicts only with debits and folds of
 * `from`. Idempotent on paymentId like pay (the credit list is not part of
 * the comparison, and a replay folds nothing).
 */
export function payWithCredits(
  ctx: PaymentsContext,
  paymentId: string,
  from: string,
  to: string,
  amount: string,
  currency: string,
  reference: string,
  creditIds: string,
): Promise<Payment> {
  const req = request(
    paymentId,
    from,
    to,
    amount,
    currency,
    reference,
    'owner',
    parseCreditIds(creditIds, true),
  );
  return settle(ctx, req);
}
