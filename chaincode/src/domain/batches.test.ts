import '../testing/quiet';
import {
  BatchLine,
  Credit,
  EVENT_SCHEMAS,
  HistoryEntry,
  MAX_BATCH_LINES,
  Page,
  Payment,
  PaymentBatch,
  schemaErrors,
} from '@fabpay/model';
import { canonicalJson } from '../canonical';
import { KEY } from '../keys';
import { defaultTerms, Endorsement, eventOf, resultOf, TestFabric } from '../testing/fabric';
import { Cast, funded } from '../testing/fixtures';
import { identity } from '../testing/identities';

/** One line; reference "" unless given. */
const line = (paymentId: string, to: string, amount: string, reference = ''): BatchLine => ({
  paymentId,
  to,
  amount,
  reference,
});
const json = (lines: unknown[]) => JSON.stringify(lines);

/** The three-line batch most tests use: M twice (credits summed), B once. */
const LINES = [line('p1', 'M', '100', 'invoice 1'), line('p2', 'B', '250', 'salary'), line('p3', 'M', '50')];

/** Every committed key and value, to compare state before and after a refusal. */
function stateOf(f: TestFabric): string {
  return [...f.ledger.entries()].map(([k, v]) => `${k}=${v.value.toString('utf8')}`).join('\n');
}

describe('payBatch', () => {
  test('pays every line in one transaction: payer debited by the total, one credit per payee, a payment per line', async () => {
    const { f, c } = await funded();
    const r = await f.submit(c.alice, 'payBatch', 'b1', 'A', 'USD', json(LINES));
    expect(r.commit).toBe('VALID');
    const batch = resultOf<PaymentBatch>(r);
    expect(batch).toEqual({
      batchId: 'b1',
      from: 'A',
      currency: 'USD',
      lines: LINES,
      total: '400',
      initiator: c.alice.owner,
      at: r.timestamp.toISOString(),
      txId: r.txId,
    });
    // One event for the whole transaction, carrying every line.
    expect(eventOf(r)).toEqual({ name: 'PaymentBatchSettled', payload: batch });
    expect(schemaErrors(EVENT_SCHEMAS.PaymentBatchSettled, batch)).toEqual([]);
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9600', settled: '9600' });
    // M appears twice: one pending credit holding the sum; B (settled 5000) gets its own.
    const mCredits = await f.query<Page<Credit>>(c.merchant, 'listPendingCredits', 'M', '100', '');
    expect(mCredits.items).toEqual([
      {
        creditId: 'b:A:b1',
        accountId: 'M',
        amount: '150',
        currency: 'USD',
        source: 'batch',
        sourceId: 'A:b1',
        at: batch.at,
      },
    ]);
    expect(await f.query(c.bob, 'getBalance', 'B')).toMatchObject({ available: '5250', pending: '250' });
    // Each line is a payment like any other.
    for (const l of LINES) {
      expect(await f.query<Payment>(c.bob, 'getPayment', 'A', l.paymentId)).toEqual({
        ...l,
        from: 'A',
        currency: 'USD',
        via: 'owner',
        initiator: c.alice.owner,
        status: 'settled',
        refunded: '0',
        at: batch.at,
        txId: r.txId,
      });
    }
    const hist = await f.query<Page<HistoryEntry>>(c.merchant, 'getPaymentHistory', 'M', '10', '');
    expect(hist.items.map((h) => [h.id, h.direction, h.amount])).toEqual([
      ['p1', 'in', '100'],
      ['p3', 'in', '50'],
    ]);
    // The payer's statement shows the batch as one debit of its total (its lines: getBatch, getPayment).
    const out = await f.query<Page<HistoryEntry>>(c.alice, 'getPaymentHistory', 'A', '10', '');
    expect(out.items.filter((h) => h.direction === 'out')).toEqual([
      {
        accountId: 'A',
        kind: 'batch',
        id: 'b1',
        direction: 'out',
        counterparty: '',
        amount: '400',
        currency: 'USD',
        at: batch.at,
      },
    ]);
    expect(await f.query(c.bob, 'getBatch', 'A', 'b1')).toEqual(batch);
    // The payee folds its batch credit like any other and a batch line is refundable.
    await f.ok(c.merchant, 'foldCredits', 'M', 'b:A:b1');
    expect(await f.ok(c.merchant, 'refund', 'A', 'p3', 'r1', '50', 'returned')).toMatchObject({
      amount: '50',
    });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9650', pending: '50' });
  });

  test('idempotent on batchId: a replay returns the original and writes nothing; other content is DUPLICATE_BATCH; another identity FORBIDDEN', async () => {
    const { f, c } = await funded();
    const first = await f.submit(c.alice, 'payBatch', 'b1', 'A', 'USD', json(LINES));
    f.advance(60_000);
    const again = await f.submit(c.alice, 'payBatch', 'b1', 'A', 'USD', json(LINES));
    expect(again.commit).toBe('VALID');
    expect(resultOf(again)).toEqual(resultOf(first));
    expect(again.rw.writes.size).toBe(0);
    expect(again.events).toEqual([]);
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9600' });
    const before = stateOf(f);
    for (const [currency, lines] of [
      ['USD', [line('p1', 'M', '101', 'invoice 1'), ...LINES.slice(1)]],
      ['USD', [LINES[1], LINES[0], LINES[2]]],
      ['USD', LINES.slice(0, 2)],
      ['USD', [...LINES, line('p4', 'M', '1')]],
      ['USD', [{ ...LINES[0], reference: 'other' }, ...LINES.slice(1)]],
      ['EUR', LINES],
    ] as const) {
      expect(await f.reject(c.alice, 'payBatch', 'b1', 'A', currency, json([...lines]))).toMatch(
        /^DUPLICATE_BATCH: /,
      );
    }
    // The initiator is checked before the content: bob learns nothing by guessing.
    expect(await f.reject(c.bob, 'payBatch', 'b1', 'A', 'USD', json(LINES))).toMatch(
      /^FORBIDDEN: .*another identity/,
    );
    expect(stateOf(f)).toBe(before);
    // Batch IDs are scoped within the payer account: bob's own b1 is another batch.
    expect(await f.ok(c.bob, 'payBatch', 'b1', 'B', 'USD', json([line('p1', 'M', '5')]))).toMatchObject({
      from: 'B',
      total: '5',
    });
  });

  test('two endorsements of one batch: only one commits (MVCC on the batch key), and it paid once', async () => {
    const { f, c } = await funded();
    const e1 = await f.endorse(c.alice, 'payBatch', ['b1', 'A', 'USD', json(LINES)]);
    const e2 = await f.endorse(c.alice, 'payBatch', ['b1', 'A', 'USD', json(LINES)]);
    expect(f.commit(e1).commit).toBe('VALID');
    expect(f.commit(e2).commit).toBe('MVCC_READ_CONFLICT');
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9600' });
  });

  /** Refusals: the code, the line named (when a line is at fault), and state untouched. */
  const refusals: [string, (f: TestFabric, c: Cast) => Promise<Endorsement>, RegExp][] = [
    [
      'empty batch',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', '[]']),
      /^INVALID_ARGUMENT: a batch has 1 to 500 lines, not 0/,
    ],
    [
      'not JSON',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', '[p1]']),
      /^INVALID_ARGUMENT: lines must be a JSON array/,
    ],
    [
      'a line that is no object',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[0], 'p2'])]),
      /^INVALID_ARGUMENT: lines\[1\]: a line must be an object/,
    ],
    [
      'a missing field',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([{ paymentId: 'p1', to: 'M', amount: '1' }])]),
      /^INVALID_ARGUMENT: lines\[0\] \(paymentId "p1"\): a line has exactly the fields/,
    ],
    [
      'an extra field',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([{ ...LINES[0], currency: 'USD' }])]),
      /^INVALID_ARGUMENT: lines\[0\] .*exactly the fields/,
    ],
    [
      'an amount as a JSON number',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[0], { ...LINES[1], amount: 250 }])]),
      /^INVALID_AMOUNT: lines\[1\] \(paymentId "p2"\): amount must be a string/,
    ],
    [
      'a non-canonical amount',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', [
          'b9',
          'A',
          'USD',
          json([LINES[0], LINES[1], line('p3', 'M', '007')]),
        ]),
      /^INVALID_AMOUNT: lines\[2\] \(paymentId "p3"\): /,
    ],
    [
      'an amount above the maximum',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', [
          'b9',
          'A',
          'USD',
          json([line('p1', 'M', '1' + '0'.repeat(24) + '1')]),
        ]),
      /^INVALID_AMOUNT: lines\[0\] \(paymentId "p1"\): amount must be a positive/,
    ],
    [
      'a malformed payment ID',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([line('p 1', 'M', '1')])]),
      /^INVALID_ARGUMENT: lines\[0\] \(paymentId "p 1"\): paymentId must match/,
    ],
    [
      'a reference with a tab',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([line('p1', 'M', '1', 'a\tb')])]),
      /^INVALID_ARGUMENT: lines\[0\] .*reference/,
    ],
    [
      'a payment ID twice in the batch',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([...LINES, line('p2', 'M', '1')])]),
      /^INVALID_ARGUMENT: lines\[3\] \(paymentId "p2"\): paymentId repeats lines\[1\]/,
    ],
    [
      'a payee equal to the payer',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[0], line('p2', 'A', '1')])]),
      /^SAME_ACCOUNT: lines\[1\] \(paymentId "p2"\): /,
    ],
    [
      'an unknown payee',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[0], line('p2', 'NOPE', '1')])]),
      /^ACCOUNT_NOT_FOUND: lines\[1\] .*NOPE/,
    ],
    [
      'a payee of another currency',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[0], LINES[1], line('p3', 'E', '1')])]),
      /^CURRENCY_MISMATCH: lines\[2\] /,
    ],
    [
      'a payment ID the account used before',
      async (f, c) => {
        await f.ok(c.alice, 'pay', 'p2', 'A', 'B', '250', 'USD', 'salary');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^DUPLICATE_PAYMENT: lines\[1\] \(paymentId "p2"\): /,
    ],
    [
      'a payer the caller does not own',
      (f, c) => f.endorse(c.bob, 'payBatch', ['b9', 'A', 'USD', json(LINES)]),
      /^FORBIDDEN: caller does not own account A/,
    ],
    [
      'a currency other than the payer’s',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'EUR', json(LINES)]),
      /^CURRENCY_MISMATCH: account A holds USD/,
    ],
    [
      'an unsupported currency',
      (f, c) => f.endorse(c.alice, 'payBatch', ['b9', 'A', 'XYZ', json(LINES)]),
      /^UNSUPPORTED_CURRENCY: /,
    ],
    [
      'a total above the settled balance (every line alone fits)',
      (f, c) =>
        f.endorse(c.alice, 'payBatch', [
          'b9',
          'A',
          'USD',
          json([line('p1', 'M', '6000'), line('p2', 'B', '4001')]),
        ]),
      /^INSUFFICIENT_FUNDS: account A has 10000 settled available, the batch needs 10001/,
    ],
    [
      'a line above the per-payment limit',
      async (f, c) => {
        await f.ok(c.alice, 'setLimits', 'A', '200', '');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^LIMIT_EXCEEDED: lines\[1\] \(paymentId "p2"\): amount 250 exceeds the per-payment limit 200/,
    ],
    [
      'a total above the daily limit (every line within it)',
      async (f, c) => {
        await f.ok(c.alice, 'setLimits', 'A', '', '399');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^DAILY_LIMIT_EXCEEDED: A has spent 0 today; 400 more exceeds the daily limit 399/,
    ],
    [
      'a frozen payer',
      async (f, c) => {
        await f.ok(c.compliance, 'freezeAccount', 'A', 'review');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^ACCOUNT_FROZEN: account A is frozen/,
    ],
    [
      'a frozen payee',
      async (f, c) => {
        const compliance2 = await identity({
          mspId: 'Org2MSP',
          cn: 'compliance2',
          attrs: { 'payments.role': 'compliance' },
        });
        await f.ok(compliance2, 'freezeAccount', 'M', 'review');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^ACCOUNT_FROZEN: lines\[0\] \(paymentId "p1"\): account M is frozen/,
    ],
    [
      'a closed payee',
      async (f, c) => {
        await f.ok(c.merchant, 'closeAccount', 'M');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[1], LINES[0]])]);
      },
      /^ACCOUNT_CLOSED: lines\[1\] \(paymentId "p1"\): /,
    ],
    [
      'a payee whose org left the governance',
      async (f, c) => {
        const admin1 = await identity({ mspId: 'Org1MSP', cn: 'admin1', ou: 'admin' });
        await f.ok(admin1, 'proposeGovernance', 'drop2', canonicalJson(defaultTerms(['Org1MSP'])));
        await f.ok(c.admin2, 'approveGovernance', 'Org1MSP', 'drop2');
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json([LINES[1], LINES[0]])]);
      },
      /^ORG_NOT_MEMBER: lines\[1\] \(paymentId "p1"\): account M belongs to Org2MSP/,
    ],
    [
      'a proposal timestamp beyond the governed skew',
      async (f, c) => {
        f.skewMs = 61_000;
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(LINES)]);
      },
      /^CLOCK_SKEW: /,
    ],
    [
      `${MAX_BATCH_LINES + 1} lines`,
      (f, c) => {
        const lines = Array.from({ length: MAX_BATCH_LINES + 1 }, (_, i) => line(`p${i}`, 'M', '1'));
        return f.endorse(c.alice, 'payBatch', ['b9', 'A', 'USD', json(lines)]);
      },
      /^INVALID_ARGUMENT: a batch has 1 to 500 lines, not 501/,
    ],
  ];

  test.each(refusals)('refuses %s, writing nothing', async (_what, attempt, expected) => {
    const { f, c } = await funded();
    const e = await attempt(f, c);
    expect(e.ok).toBe(false);
    expect(e.message).toMatch(expected);
    // All checks come before the first write: a refused batch attempted no write and set no event.
    expect(e.rw.writes.size).toBe(0);
    expect(e.rw.policies.size).toBe(0);
    expect(e.events).toEqual([]);
    f.skewMs = 0;
    expect(await f.reject(c.alice, 'getBatch', 'A', 'b9')).toMatch(/^BATCH_NOT_FOUND: /);
  });

  test('the same batch ID is free again after a refusal: nothing was recorded', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.alice, 'payBatch', 'b1', 'A', 'USD', json([line('p1', 'M', '20000')]))).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    expect(await f.ok(c.alice, 'payBatch', 'b1', 'A', 'USD', json(LINES))).toMatchObject({ total: '400' });
  });

  test('the daily limit counts the batch total once, and later debits see it', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'setLimits', 'A', '', '500');
    await f.ok(c.alice, 'payBatch', 'b1', 'A', 'USD', json(LINES));
    expect(await f.reject(c.alice, 'pay', 'p9', 'A', 'M', '101', 'USD', '')).toMatch(
      /^DAILY_LIMIT_EXCEEDED: A has spent 400 today/,
    );
    expect(await f.ok(c.alice, 'pay', 'p9', 'A', 'M', '100', 'USD', '')).toMatchObject({ amount: '100' });
  });

  test(`${MAX_BATCH_LINES} lines, every field at its longest, to distinct payees: one transaction within the block budget`, async () => {
    const f = new TestFabric();
    const [payer, payees, issuer] = await Promise.all([
      identity({ mspId: 'Org1MSP', cn: 'payroll' }),
      identity({ mspId: 'Org2MSP', cn: 'staff' }),
      identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } }),
    ]);
    const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}`.padEnd(64, 'x');
    const from = id('P', 0);
    await f.ok(payer, 'openAccount', from, 'USD', '');
    await f.ok(issuer, 'issue', 'mint', from, '1' + '0'.repeat(24));
    await f.ok(payer, 'foldCredits', from, `i:Org1MSP:mint`);
    const lines: BatchLine[] = [];
    for (let i = 0; i < MAX_BATCH_LINES; i += 1) {
      await f.ok(payees, 'openAccount', id('E', i), 'USD', '');
      // A reference of 140 characters that all need escaping in JSON: the longest a line can be.
      lines.push(line(id('pay', i), id('E', i), '9'.repeat(21), '"'.repeat(140)));
    }
    const linesJson = json(lines);
    const r = await f.submit(payer, 'payBatch', id('batch', 0), from, 'USD', linesJson);
    expect(r.message).toBe('');
    expect(r.commit).toBe('VALID');
    expect(resultOf<PaymentBatch>(r).lines).toHaveLength(MAX_BATCH_LINES);
    // What the transaction puts in a block: its argument, written keys and values, result and event.
    let writes = 0;
    for (const [key, value] of r.rw.writes) writes += key.length + (value?.length ?? 0);
    const reads = [...r.rw.reads.keys()].reduce((n, k) => n + k.length + 8, 0);
    const event = r.events.reduce((n, e) => n + e.name.length + e.payload.length, 0);
    const total = linesJson.length + writes + reads + r.payload.length + event;
    // Per line a payment, the payee's history line and its credit; once: balance, batch, payer's history line.
    expect(r.rw.writes.size).toBe(3 * MAX_BATCH_LINES + 3);
    // The channel's preferred block size (topology batch.preferredMaxBytes, 4 MB) holds it whole.
    expect(total).toBeLessThan(4 * 1024 * 1024);
    // Every payee credited, each by a key of its own that no other payment to it touches.
    expect(f.peekAll<Credit>(KEY.credit, []).filter((x) => x.source === 'batch')).toHaveLength(
      MAX_BATCH_LINES,
    );
    // Printed for the README's figures (bytes).
    process.stdout.write(
      `payBatch ${MAX_BATCH_LINES} longest lines: argument ${linesJson.length}, writes ${writes} in ${r.rw.writes.size} keys, reads ${reads}, result ${r.payload.length}, event ${event}, total ${total}\n`,
    );
  }, 60_000);
});
