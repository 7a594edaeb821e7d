/**
 * A stand-in for the chaincode's payBatch and getBatch, for client and CLI tests: batches by
 * (from, batchId) with the chaincode's idempotency (the same lines again return the stored batch
 * with its first transaction's ID, other lines DUPLICATE_BATCH), payee "NOPE" missing
 * (ACCOUNT_NOT_FOUND naming the line), and getAccount answering every account in `currency`.
 * Test-only.
 */
import type { BatchLine, PaymentBatch } from '@fabpay/model';
import { FakeLedger } from './fake-gateway';

export interface FakeBatches {
  readonly ledger: FakeLedger;
  /** Batches paid, by `${from}/${batchId}`. */
  readonly batches: Map<string, PaymentBatch>;
  /** Every call, in order. */
  readonly calls: { fn: string; args: string[] }[];
}

export function fakeBatches(currency = 'EUR'): FakeBatches {
  const batches = new Map<string, PaymentBatch>();
  const calls: { fn: string; args: string[] }[] = [];
  const ledger = new FakeLedger((fn, args, txId) => {
    calls.push({ fn, args });
    const [a0 = '', a1 = '', a2 = '', a3 = ''] = args;
    if (fn === 'getAccount') return JSON.stringify({ accountId: a0, currency, status: 'active' });
    if (fn === 'getBatch') {
      const b = batches.get(`${a0}/${a1}`);
      if (!b) throw new Error(`BATCH_NOT_FOUND: no batch ${a1} of ${a0}`);
      return JSON.stringify(b);
    }
    if (fn !== 'payBatch') throw new Error(`SOMETHING_NEW: ${fn}`);
    const lines = JSON.parse(a3) as BatchLine[];
    const existing = batches.get(`${a1}/${a0}`);
    if (existing) {
      if (JSON.stringify(existing.lines) !== a3 || existing.currency !== a2)
        throw new Error(`DUPLICATE_BATCH: batchId ${a0} was already used for a different batch`);
      return JSON.stringify(existing);
    }
    const bad = lines.findIndex((l) => l.to === 'NOPE');
    if (bad >= 0)
      throw new Error(
        `ACCOUNT_NOT_FOUND: lines[${bad}] (paymentId "${lines[bad]?.paymentId}"): account NOPE does not exist`,
      );
    const batch: PaymentBatch = {
      batchId: a0,
      from: a1,
      currency: a2,
      lines,
      total: lines.reduce((n, l) => n + BigInt(l.amount), 0n).toString(),
      initiator: 'Org1MSP::x',
      at: '2026-03-01T10:00:00.000Z',
      txId,
    };
    batches.set(`${a1}/${a0}`, batch);
    return JSON.stringify(batch);
  });
  return { ledger, batches, calls };
}
