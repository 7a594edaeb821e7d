import { parseStored } from '../amount';
import { PaymentsContext } from '../context';
import { listCurrencies, requireCurrency } from '../currencies';
import { fail } from '../errors';
import {
  Account,
  Allowance,
  Balance,
  CallerInfo,
  ConservationLine,
  Credit,
  HistoryEntry,
  Hold,
  Issuance,
  isValidMspId,
  Limits,
  Page,
  Payment,
  Refund,
  Supply,
} from '@fabpay/model';
import { KEY } from '../keys';
import { BalanceRecord } from '../state-records';
import { loadAccount, requireId } from './common';
import { loadShards, totals } from './shards';
import { loadLimits } from './limits';
import { pageSizeOf } from './paging';

export { MAX_PAGE_SIZE, PAGE_SIZE_PATTERN } from './paging';

/** The caller as the chaincode sees it. */
export function whoami(ctx: PaymentsContext): CallerInfo {
  const c = ctx.caller;
  return { owner: c.owner, mspId: c.mspId, id: c.id, role: c.role, admin: c.admin };
}

/** The currency table. */
export function currencies(): { items: { code: string; exponent: number }[] } {
  return { items: listCurrencies() };
}

/** One account. */
export function getAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
  return loadAccount(ctx, requireId(accountId, 'accountId'));
}

/** Accounts of an owner ("" = the caller), in account ID order. */
export async function listAccountsByOwner(
  ctx: PaymentsContext,
  owner: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<Account>> {
  const who = owner === '' ? ctx.caller.owner : owner;
  const page = await ctx.state.page<{ accountId: string }>(KEY.owner, [who], pageSizeOf(pageSize), bookmark);
  const items: Account[] = [];
  for (const entry of page.items) {
    items.push(await loadAccount(ctx, entry.accountId));
  }
  return { ...page, items };
}

/** Balance including pending credits (a range scan: fine, queries are never committed). */
export async function getBalance(ctx: PaymentsContext, accountId: string): Promise<Balance> {
  const account = await loadAccount(ctx, requireId(accountId, 'accountId'));
  // The sum over a sharded account's shards (one shard: its one balance).
  const bal = totals(await loadShards(ctx, account));
  const credits = await ctx.state.scan<Credit>(KEY.credit, [accountId]);
  const pending = credits.reduce((sum, c) => sum + parseStored(c.value.amount), 0n);
  return {
    accountId,
    currency: account.currency,
    available: (bal.available + pending).toString(),
    held: bal.held.toString(),
    pending: pending.toString(),
    pendingCount: credits.length,
    settled: bal.available.toString(),
  };
}

/** Pending (unfolded) credits of an account, oldest key first. */
export async function listPendingCredits(
  ctx: PaymentsContext,
  accountId: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<Credit>> {
  requireId(accountId, 'accountId');
  return ctx.state.page<Credit>(KEY.credit, [accountId], pageSizeOf(pageSize), bookmark);
}

async function must<T>(
  value: Promise<T | null>,
  code: 'PAYMENT_NOT_FOUND' | 'HOLD_NOT_FOUND' | 'REFUND_NOT_FOUND',
  what: string,
): Promise<T> {
  const v = await value;
  if (!v) {
    throw fail(code, `${what} does not exist`);
  }
  return v;
}

/** One payment (by payer account and payment ID), with its current refund total. */
export async function getPayment(ctx: PaymentsContext, from: string, paymentId: string): Promise<Payment> {
  requireId(from, 'from');
  requireId(paymentId, 'paymentId');
  const payment = await must(
    ctx.state.get<Payment>(KEY.payment, [from, paymentId]),
    'PAYMENT_NOT_FOUND',
    `payment ${paymentId} of account ${from}`,
  );
  const refunded = await ctx.state.get<{ refunded: string }>(KEY.refunded, [from, paymentId]);
  return refunded ? { ...payment, refunded: refunded.refunded } : payment;
}

/** One hold (by payer account and hold ID). */
export function getHold(ctx: PaymentsContext, from: string, holdId: string): Promise<Hold> {
  requireId(from, 'from');
  requireId(holdId, 'holdId');
  return must(
    ctx.state.get<Hold>(KEY.hold, [from, holdId]),
    'HOLD_NOT_FOUND',
    `hold ${holdId} of account ${from}`,
  );
}

/** One refund (by the refunded payment's payer account, payment ID and refund ID). */
export function getRefund(
  ctx: PaymentsContext,
  from: string,
  paymentId: string,
  refundId: string,
): Promise<Refund> {
  requireId(from, 'from');
  requireId(paymentId, 'paymentId');
  requireId(refundId, 'refundId');
  return must(
    ctx.state.get<Refund>(KEY.refund, [from, paymentId, refundId]),
    'REFUND_NOT_FOUND',
    `refund ${refundId} of payment ${paymentId} of account ${from}`,
  );
}

/** One issue or redeem operation (by issuing MSP, currency and operation ID). */
export async function getOperation(
  ctx: PaymentsContext,
  mspId: string,
  currency: string,
  operationId: string,
): Promise<Issuance> {
  if (!isValidMspId(mspId)) {
    throw fail('INVALID_ARGUMENT', 'mspId must be an MSP ID');
  }
  requireCurrency(currency);
  requireId(operationId, 'operationId');
  const op = await ctx.state.get<Issuance>(KEY.operation, [mspId, currency, operationId]);
  if (!op) {
    throw fail('OPERATION_NOT_FOUND', `operation ${operationId} of ${mspId} in ${currency} does not exist`);
  }
  return op;
}

/** Payments, refunds and captures of an account, newest first. */
export async function getPaymentHistory(
  ctx: PaymentsContext,
  accountId: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<HistoryEntry>> {
  await loadAccount(ctx, requireId(accountId, 'accountId'));
  return ctx.state.page<HistoryEntry>(KEY.history, [accountId], pageSizeOf(pageSize), bookmark);
}

/** Allowance of a spender on an account ("0" if none). */
export async function getAllowance(
  ctx: PaymentsContext,
  accountId: string,
  spender: string,
): Promise<Allowance> {
  requireId(accountId, 'accountId');
  return (
    (await ctx.state.get<Allowance>(KEY.allowance, [accountId, spender])) ?? {
      accountId,
      spender,
      amount: '0',
    }
  );
}

/** Limits of an account, both layers and the effective ones ("" = none). */
export async function getLimits(ctx: PaymentsContext, accountId: string): Promise<Limits> {
  await loadAccount(ctx, requireId(accountId, 'accountId'));
  return loadLimits(ctx, accountId);
}

/** Issued and redeemed totals of a currency. */
export async function getSupply(ctx: PaymentsContext, currency: string): Promise<Supply> {
  requireCurrency(currency);
  return (
    (await ctx.state.get<Supply>(KEY.supply, [currency])) ?? {
      currency,
      issued: '0',
      redeemed: '0',
      outstanding: '0',
    }
  );
}

/**
 * Per currency: available + held + pending credits against issued −
 * redeemed. Scans every balance and credit, so it is an evaluate-only audit
 * query; the order of lines is the sorted currency code order.
 */
export async function conservationReport(ctx: PaymentsContext): Promise<{ items: ConservationLine[] }> {
  const accounts = await ctx.state.scan<Account>(KEY.account, []);
  const currencyOf = new Map(accounts.map((a) => [a.value.accountId, a.value.currency]));
  const sums = new Map<string, { available: bigint; held: bigint; pending: bigint }>();
  const sumFor = (c: string) => {
    let s = sums.get(c);
    if (!s) {
      s = { available: 0n, held: 0n, pending: 0n };
      sums.set(c, s);
    }
    return s;
  };
  for (const b of await ctx.state.scan<BalanceRecord>(KEY.balance, [])) {
    const accountId = b.attributes[0] ?? '';
    const s = sumFor(currencyOf.get(accountId) ?? '???');
    s.available += parseStored(b.value.available);
    s.held += parseStored(b.value.held);
  }
  for (const c of await ctx.state.scan<Credit>(KEY.credit, [])) {
    sumFor(c.value.currency).pending += parseStored(c.value.amount);
  }
  const supplies = new Map(
    (await ctx.state.scan<Supply>(KEY.supply, [])).map((s) => [s.value.currency, s.value]),
  );
  const codes = [...new Set([...sums.keys(), ...supplies.keys()])].sort();
  const items = codes.map((currency): ConservationLine => {
    const s = sums.get(currency) ?? { available: 0n, held: 0n, pending: 0n };
    const sup = supplies.get(currency);
    const issued = sup ? parseStored(sup.issued) : 0n;
    const redeemed = sup ? parseStored(sup.redeemed) : 0n;
    const total = s.available + s.held + s.pending;
    return {
      currency,
      available: s.available.toString(),
      held: s.held.toString(),
      pending: s.pending.toString(),
      total: total.toString(),
      issued: issued.toString(),
      redeemed: redeemed.toString(),
      outstanding: (issued - redeemed).toString(),
      balanced: total === issued - redeemed,
    };
  });
  return { items };
}
