import '../testing/quiet';
import { HistoryEntry, Page, Refund } from '@fabpay/model';
import { funded } from '../testing/fixtures';

describe('refunds', () => {
  async function paid() {
    const ctx = await funded();
    await ctx.f.ok(ctx.c.alice, 'pay', 'p1', 'A', 'B', '1000', 'USD', 'order');
    await ctx.f.ok(ctx.c.bob, 'foldCredits', 'B', 'p:A:p1');
    return ctx;
  }

  test('the payee refunds fully', async () => {
    const { f, c } = await paid();
    f.advance(1000);
    const r = await f.ok<Refund>(c.bob, 'refund', 'A', 'p1', 'r1', '1000', 'cancelled');
    expect(r).toMatchObject({
      refundId: 'r1',
      paymentId: 'p1',
      from: 'B',
      to: 'A',
      amount: '1000',
      currency: 'USD',
      reason: 'cancelled',
      initiator: c.bob.owner,
    });
    expect(await f.query(c.alice, 'getPayment', 'A', 'p1')).toMatchObject({ refunded: '1000' });
    expect(await f.query(c.alice, 'getRefund', 'A', 'p1', 'r1')).toEqual(r);
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', pending: '1000' });
    expect(await f.query(c.bob, 'getBalance', 'B')).toMatchObject({ available: '5000' });
    const hist = await f.query<Page<HistoryEntry>>(c.alice, 'getPaymentHistory', 'A', '10', '');
    expect(hist.items.map((h) => `${h.kind}:${h.direction}`)).toEqual(['refund:in', 'payment:out']);
  });

  test('partial refunds add up and can never exceed the payment', async () => {
    const { f, c } = await paid();
    await f.ok(c.bob, 'refund', 'A', 'p1', 'r1', '400', '');
    await f.ok(c.bob, 'refund', 'A', 'p1', 'r2', '600', '');
    expect(await f.reject(c.bob, 'refund', 'A', 'p1', 'r3', '1', '')).toMatch(/^REFUND_EXCEEDS_PAYMENT: /);
    expect(await f.query(c.alice, 'getPayment', 'A', 'p1')).toMatchObject({ refunded: '1000' });
  });

  test('concurrent refunds of one payment serialise (MVCC on its refund total)', async () => {
    const { f, c } = await paid();
    const e1 = await f.endorse(c.bob, 'refund', ['A', 'p1', 'r1', '700', '']);
    const e2 = await f.endorse(c.bob, 'refund', ['A', 'p1', 'r2', '700', '']);
    expect(f.commit(e1).commit).toBe('VALID');
    expect(f.commit(e2).commit).toBe('MVCC_READ_CONFLICT');
    expect(await f.reject(c.bob, 'refund', 'A', 'p1', 'r2', '700', '')).toMatch(/^REFUND_EXCEEDS_PAYMENT: /);
  });

  test('only the payee refunds; its funds must be settled; replay is idempotent', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '1000', 'USD', 'order');
    expect(await f.reject(c.alice, 'refund', 'A', 'p1', 'r1', '10', '')).toMatch(/^FORBIDDEN: /);
    // The merchant's 1000 is still a pending credit: fold first.
    expect(await f.reject(c.merchant, 'refund', 'A', 'p1', 'r1', '10', 'x')).toMatch(
      /^INSUFFICIENT_FUNDS: .*fold/,
    );
    await f.ok(c.merchant, 'foldCredits', 'M', 'p:A:p1');
    await f.ok(c.merchant, 'refund', 'A', 'p1', 'r1', '10', 'x');
    const again = await f.submit(c.merchant, 'refund', 'A', 'p1', 'r1', '10', 'x');
    expect(again.rw.writes.size).toBe(0);
    expect(again.events).toEqual([]);
    expect(await f.query(c.alice, 'getPayment', 'A', 'p1')).toMatchObject({ refunded: '10' });
    expect(await f.reject(c.merchant, 'refund', 'A', 'p1', 'r1', '11', 'x')).toMatch(/^DUPLICATE_REFUND: /);
    expect(await f.reject(c.alice, 'refund', 'A', 'p1', 'r1', '10', 'x')).toMatch(/^FORBIDDEN: /);
  });

  test('refund IDs are scoped within the payment; the credit names payment and refund', async () => {
    const { f, c } = await paid();
    await f.ok(c.alice, 'pay', 'p2', 'A', 'B', '500', 'USD', 'order 2');
    await f.ok(c.bob, 'refund', 'A', 'p1', 'r1', '100', '');
    await f.ok(c.bob, 'refund', 'A', 'p2', 'r1', '50', '');
    expect(await f.query(c.alice, 'getRefund', 'A', 'p1', 'r1')).toMatchObject({ amount: '100' });
    expect(await f.query(c.alice, 'getRefund', 'A', 'p2', 'r1')).toMatchObject({ amount: '50' });
    const credits = await f.query<Page<{ creditId: string; amount: string }>>(
      c.alice,
      'listPendingCredits',
      'A',
      '10',
      '',
    );
    expect(credits.items.map((x) => [x.creditId, x.amount])).toEqual([
      ['r:p1:r1', '100'],
      ['r:p2:r1', '50'],
    ]);
    expect(await f.reject(c.bob, 'refund', 'B', 'p1', 'r1', '1', '')).toMatch(/^PAYMENT_NOT_FOUND: /);
  });

  test('no refund while the payer or the payee is frozen', async () => {
    const { f, c } = await paid();
    await f.ok(c.compliance, 'freezeAccount', 'A', 'x');
    expect(await f.reject(c.bob, 'refund', 'A', 'p1', 'r1', '1', '')).toMatch(/^ACCOUNT_FROZEN: /);
    await f.ok(c.compliance, 'unfreezeAccount', 'A');
    await f.ok(c.compliance, 'freezeAccount', 'B', 'x');
    expect(await f.reject(c.bob, 'refund', 'A', 'p1', 'r1', '1', '')).toMatch(/^ACCOUNT_FROZEN: /);
  });

  test('a payment replay after a refund still returns the original result', async () => {
    const { f, c } = await paid();
    const original = await f.query<Record<string, string>>(c.alice, 'getPayment', 'A', 'p1');
    await f.ok(c.bob, 'refund', 'A', 'p1', 'r1', '300', '');
    const replay = await f.submit(c.alice, 'pay', 'p1', 'A', 'B', '1000', 'USD', 'order');
    expect(JSON.parse(replay.payload.toString())).toEqual(original);
    expect(replay.payload.toString()).toContain('"refunded":"0"');
    expect(await f.query(c.alice, 'getPayment', 'A', 'p1')).toMatchObject({ refunded: '300' });
  });
});
