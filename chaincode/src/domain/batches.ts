import { parseAmount } from '../amount';
import { canonicalJson } from '../canonical';
import { PaymentsContext } from '../context';
import { requireCurrency } from '../currencies';
import { ChaincodeError, fail, quote } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import {
  Account,
  BatchLine,
  MAX_BATCH_LINES,
  MAX_BATCH_LINES_JSON,
  parseErrorMessage,
  Payment,
  PaymentBatch,
} from '@fabpay/model';
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
import { checkLimits, DebitPart } from './limits';
import { debitFunds } from './shards';

/*
 * Batch payouts: one payer, many payees, one transaction, all or nothing.
 *
 * Every line obeys what `pay` enforces for a payment (owner of the payer,
 * both accounts active and members' accounts, currencies, per-payment
 * limit, payee ≠ payer) and the batch as a whole what a debit of its total
 * would (settled funds, the daily limit). The first line that breaks a rule
 * refuses the whole batch with the rule's own code and a detail naming the
 * line, `lines[3] (paymentId "p4"): ...`; nothing is written.
 *
 * Keys: the batch ID key and each line's payment ID key are read (both in
 * the payer's scope), the payer's balance, limits and day counter are read
 * and written, payee descriptors are read (once per distinct payee). Payees
 * are credited exactly as `pay` credits them: a blind write of a new credit
 * key, one per payee and batch (`b:<payer>:<batchId>`) holding the sum of
 * that payee's lines. Nothing of a payee's money is read, so a batch and
 * concurrent payments to the same merchants never conflict. Written per
 * line: the payment, the payee's history line; per payee: the credit; once:
 * the balance, the batch and the payer's one history line for the batch.
 */

/** The fields of a line, exactly (no others: both sides must read the same JSON). */
const LINE_FIELDS = ['amount', 'paymentId', 'reference', 'to'] as const;

/** `lines[i] (paymentId "x"): ` — how a refusal names the line it is about. */
function lineLabel(index: number, paymentId?: unknown): string {
  return typeof paymentId === 'string'
    ? `lines[${index}] (paymentId ${quote(paymentId, 64)}): `
    : `lines[${index}]: `;
}

/** A coded refusal with the line named first (same code); anything else unchanged. */
function relabel(label: string, err: unknown): unknown {
  if (err instanceof ChaincodeError) {
    const detail = parseErrorMessage(err.message)?.detail ?? err.message;
    return fail(err.code, `${label}${detail}`);
  }
  return err;
}

/**
 * Parses payBatch's `lines` argument: a JSON array of 1..{@link MAX_BATCH_LINES}
 * objects with exactly `paymentId`, `to`, `amount` (a string of minor units)
 * and `reference` (may be ""), no payment ID twice. Pure syntax: nothing is
 * read from the ledger.
 */
export function parseLines(json: string): BatchLine[] {
  if (json.length > MAX_BATCH_LINES_JSON) {
    throw fail('INVALID_ARGUMENT', `lines must be at most ${MAX_BATCH_LINES_JSON} characters of JSON`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw fail('INVALID_ARGUMENT', 'lines must be a JSON array');
  }
  if (!Array.isArray(raw)) {
    throw fail('INVALID_ARGUMENT', 'lines must be a JSON array');
  }
  if (raw.length === 0 || raw.length > MAX_BATCH_LINES) {
    throw fail('INVALID_ARGUMENT', `a batch has 1 to ${MAX_BATCH_LINES} lines, not ${raw.length}`);
  }
  const lines: BatchLine[] = [];
  const firstIndex = new Map<string, number>();
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw fail('INVALID_ARGUMENT', `${lineLabel(i)}a line must be an object`);
    }
    const rec = item as Record<string, unknown>;
    const label = lineLabel(i, rec.paymentId);
    const keys = Object.keys(rec).sort();
    if (keys.length !== LINE_FIELDS.length || LINE_FIELDS.some((k, j) => keys[j] !== k)) {
      throw fail('INVALID_ARGUMENT', `${label}a line has exactly the fields ${LINE_FIELDS.join(', ')}`);
    }
    let line: BatchLine;
    try {
      line = {
        paymentId: requireId(rec.paymentId, 'paymentId'),
        to: requireId(rec.to, 'to'),
        amount: parseAmount(rec.amount).toString(),
        reference: requireText(rec.reference, 'reference'),
      };
    } catch (err) {
      throw relabel(label, err);
    }
    const earlier = firstIndex.get(line.paymentId);
    if (earlier !== undefined) {
      throw fail('INVALID_ARGUMENT', `${label}paymentId repeats lines[${earlier}]`);
    }
    firstIndex.set(line.paymentId, i);
    lines.push(line);
  }
  return lines;
}

/** True if a stored batch is the same request (currency and every line, in order). */
function sameBatch(b: PaymentBatch, currency: string, lines: BatchLine[]): boolean {
  return b.currency === currency && canonicalJson(b.lines) === canonicalJson(lines);
}

/**
 * Pays every line of a batch from `from`, in one transaction, or nothing.
 *
 * Idempotent by batch ID (scoped within the payer account, key [from,
 * batchId]): the same batch again from the same identity returns the
 * original result and writes nothing (no event); the same batch ID with
 * another currency or other lines is DUPLICATE_BATCH; anyone else gets
 * FORBIDDEN, checked before any content. A line whose payment ID the payer
 * account already used (by pay, payFrom or another batch) refuses the batch
 * with DUPLICATE_PAYMENT, even when that payment was identical: a batch pays
 * all of its lines or none, so it never claims a payment another request
 * made. Each line is stored as a Payment (via "owner", the batch's time and
 * transaction ID) with the payee's history line, so getPayment, refunds and
 * the payee's history treat it like any payment; the payer's history has one
 * line for the whole batch (kind "batch", the batch ID, the total).
 */
export async function payBatch(
  ctx: PaymentsContext,
  batchId: string,
  fromId: string,
  currency: string,
  linesJson: string,
): Promise<PaymentBatch> {
  requireId(batchId, 'batchId');
  requireId(fromId, 'from');
  requireCurrency(currency);
  const lines = parseLines(linesJson);
  const caller = ctx.caller;
  const existing = await ctx.state.get<PaymentBatch>(KEY.batch, [fromId, batchId]);
  if (existing) {
    if (existing.initiator !== caller.owner) {
      throw fail('FORBIDDEN', `batch ${batchId} of ${fromId} was submitted by another identity`);
    }
    if (!sameBatch(existing, currency, lines)) {
      throw fail('DUPLICATE_BATCH', `batchId ${batchId} was already used for a different batch`);
    }
    // Idempotent replay: the original result, no writes, no event.
    return existing;
  }
  const from = await loadAccount(ctx, fromId);
  requireOwner(caller, from);
  await requireActive(ctx, from);
  requireCurrencyOf(from, currency);

  // Payees are read once each, however many lines pay them; credited per payee, in first-line order.
  const payees = new Map<string, Account>();
  const creditOrder: string[] = [];
  const creditSums = new Map<string, bigint>();
  const parts: DebitPart[] = [];
  let total = 0n;
  for (const [i, line] of lines.entries()) {
    const label = lineLabel(i, line.paymentId);
    try {
      if (await ctx.state.get<Payment>(KEY.payment, [fromId, line.paymentId])) {
        throw fail(
          'DUPLICATE_PAYMENT',
          `paymentId ${line.paymentId} of ${fromId} was already used by another payment`,
        );
      }
      if (line.to === fromId) {
        throw fail('SAME_ACCOUNT', 'from and to must differ');
      }
      if (!payees.has(line.to)) {
        const to = await loadAccount(ctx, line.to);
        await requireActive(ctx, to);
        requireCurrencyOf(to, currency);
        payees.set(line.to, to);
        creditOrder.push(line.to);
      }
    } catch (err) {
      throw relabel(label, err);
    }
    const amount = BigInt(line.amount);
    creditSums.set(line.to, (creditSums.get(line.to) ?? 0n) + amount);
    parts.push({ amount, label });
    total += amount;
  }
  const limits = await checkLimits(ctx, from, total, parts);
  const funds = await debitFunds(ctx, from, total, {
    shortfall: (available) =>
      fail(
        'INSUFFICIENT_FUNDS',
        `account ${fromId} has ${available} settled available, the batch needs ${total} (fold pending credits first)`,
      ),
  });

  const now = ctx.now;
  const txId = ctx.stub.getTxID();
  await funds.apply();
  await limits.record();
  for (const payee of creditOrder) {
    await writeCredit(ctx, payees.get(payee) as Account, creditSums.get(payee) ?? 0n, 'batch', [
      fromId,
      batchId,
    ]);
  }
  for (const line of lines) {
    const payment: Payment = {
      paymentId: line.paymentId,
      from: fromId,
      to: line.to,
      amount: line.amount,
      currency,
      reference: line.reference,
      via: 'owner',
      initiator: caller.owner,
      status: 'settled',
      refunded: '0',
      at: now,
      txId,
    };
    await ctx.state.put(KEY.payment, [fromId, line.paymentId], payment);
    await writeHistory(
      ctx,
      {
        accountId: line.to,
        kind: 'payment',
        id: line.paymentId,
        direction: 'in',
        counterparty: fromId,
        amount: line.amount,
        currency,
        at: now,
      },
      fromId,
    );
  }
  // The payer's statement books the batch as one debit, as banks book a bulk payment: a key
  // per line would repeat the line's payment record and cost every validating peer a write.
  await writeHistory(
    ctx,
    {
      accountId: fromId,
      kind: 'batch',
      id: batchId,
      direction: 'out',
      counterparty: '',
      amount: total.toString(),
      currency,
      at: now,
    },
    fromId,
  );
  const batch: PaymentBatch = {
    batchId,
    from: fromId,
    currency,
    lines,
    total: total.toString(),
    initiator: caller.owner,
    at: now,
    txId,
  };
  await ctx.state.put(KEY.batch, [fromId, batchId], batch);
  // Fabric keeps one event per transaction: the batch, with every line, is it.
  emit(ctx.stub, 'PaymentBatchSettled', batch);
  return batch;
}

/** One batch, by payer account and batch ID; BATCH_NOT_FOUND when there is none. */
export async function getBatch(ctx: PaymentsContext, from: string, batchId: string): Promise<PaymentBatch> {
  requireId(from, 'from');
  requireId(batchId, 'batchId');
  const batch = await ctx.state.get<PaymentBatch>(KEY.batch, [from, batchId]);
  if (!batch) {
    throw fail('BATCH_NOT_FOUND', `no batch ${batchId} of ${from}`);
  }
  return batch;
}
