import { status as grpcStatus } from '@grpc/grpc-js';
import { TransactionOutcomeUnknownError } from '../errors';
import { fakeBatches } from '../testing/fake-batches';
import { startHarness, type Harness } from '../testing/harness';
import { batchLinesJson, MAX_BATCH_LINES, PaymentsClient } from './api';
import { DuplicateIdError, PaymentNotFoundError } from './errors';

jest.setTimeout(30_000);

describe('PaymentsClient.payBatch', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends batchId, from, currency and the lines as compact JSON with every field, and returns the typed batch', async () => {
    const { ledger, calls } = fakeBatches();
    h = await startHarness(1, {}, ledger);
    const p = new PaymentsClient(h.client);
    const res = await p.payBatch({
      batchId: 'run-1',
      from: 'payroll',
      currency: 'EUR',
      lines: [
        { paymentId: 'p1', to: 'ann', amount: 1250n, reference: 'March' },
        { paymentId: 'p2', to: 'ben', amount: '990' },
      ],
    });
    expect(calls).toEqual([
      {
        fn: 'payBatch',
        args: [
          'run-1',
          'payroll',
          'EUR',
          '[{"paymentId":"p1","to":"ann","amount":"1250","reference":"March"},{"paymentId":"p2","to":"ben","amount":"990","reference":""}]',
        ],
      },
    ]);
    expect(res.value).toMatchObject({ batchId: 'run-1', total: '2240', lines: [{ amount: '1250' }, {}] });
    expect(res.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.blockNumber).toBe(1n);
  });

  it('a replay returns the original batch; other lines under the batch ID are a DuplicateIdError (DUPLICATE_BATCH)', async () => {
    h = await startHarness(1, {}, fakeBatches().ledger);
    const p = new PaymentsClient(h.client);
    const req = {
      batchId: 'run-1',
      from: 'payroll',
      currency: 'EUR',
      lines: [{ paymentId: 'p1', to: 'ann', amount: '5' }],
    };
    const first = await p.payBatch(req);
    const again = await p.payBatch(req);
    expect(again.value).toEqual(first.value);
    const changed = await p
      .payBatch({ ...req, lines: [{ paymentId: 'p1', to: 'ann', amount: '6' }] })
      .catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(DuplicateIdError);
    expect(changed).toMatchObject({ paymentCode: 'DUPLICATE_BATCH', category: 'duplicate' });
    const missing = await p
      .payBatch({
        ...req,
        batchId: 'run-2',
        lines: [...req.lines, { paymentId: 'p2', to: 'NOPE', amount: '1' }],
      })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PaymentNotFoundError);
    expect((missing as PaymentNotFoundError).chaincodeMessage).toMatch(/lines\[1\]/);
  });

  it(`refuses no lines or more than ${MAX_BATCH_LINES} before sending anything`, async () => {
    const { ledger, calls } = fakeBatches();
    h = await startHarness(1, {}, ledger);
    const p = new PaymentsClient(h.client);
    const lines = Array.from({ length: MAX_BATCH_LINES + 1 }, (_, i) => ({
      paymentId: `p${i}`,
      to: 'ann',
      amount: '1',
    }));
    const base = { batchId: 'b', from: 'payroll', currency: 'EUR' };
    await expect(p.payBatch({ ...base, lines })).rejects.toThrow(RangeError);
    await expect(p.payBatch({ ...base, lines: [] })).rejects.toThrow(/1 to 500 lines, not 0/);
    expect(calls).toEqual([]);
    await expect(p.payBatch({ ...base, lines: lines.slice(0, MAX_BATCH_LINES) })).resolves.toMatchObject({
      value: { total: String(MAX_BATCH_LINES) },
    });
  });

  it('reports an unknown outcome with the transaction ID; resolveBatch then says settled or not-found', async () => {
    h = await startHarness(1, {}, fakeBatches().ledger);
    const p = new PaymentsClient(h.client);
    h.peers[0]!.inject('submit', { code: grpcStatus.UNKNOWN, message: 'gateway failed after forwarding' });
    const req = {
      batchId: 'run-1',
      from: 'payroll',
      currency: 'EUR',
      lines: [{ paymentId: 'p1', to: 'ann', amount: '5' }],
    };
    const err = await p.payBatch(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect((err as TransactionOutcomeUnknownError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    // This fake applies a batch when it endorses it, so it is on "the ledger" already.
    await expect(p.resolveBatch('payroll', 'run-1')).resolves.toMatchObject({
      state: 'settled',
      batch: { batchId: 'run-1', total: '5' },
    });
    await expect(p.resolveBatch('payroll', 'run-2')).resolves.toEqual({ state: 'not-found' });
    // Sending the same batch again is safe: the replay returns the original.
    const replay = await p.payBatch(req);
    expect(replay.value.txId).toBe((err as TransactionOutcomeUnknownError).transactionId);
    expect(replay.transactionId).not.toBe(replay.value.txId);
  });

  it('builds the lines argument deterministically (the bytes a replay must repeat)', () => {
    const lines = [{ reference: 'r', amount: 7n, to: 'x', paymentId: 'a' }];
    expect(batchLinesJson(lines)).toBe('[{"paymentId":"a","to":"x","amount":"7","reference":"r"}]');
  });
});
