import '../testing/quiet';
import { HistoryEntry, Page, Payment } from '@fabpay/model';
import { eventOf, resultOf } from '../testing/fabric';
import { funded } from '../testing/fixtures';

describe('pay', () => {
  test('moves money: payer settled balance down, payee credit pending, records and history', async () => {
    const { f, c } = await funded();
    const r = await f.submit(c.alice, 'pay', 'p1', 'A', 'M', '1234', 'USD', 'order 42');
    expect(r.commit).toBe('VALID');
    const p = resultOf<Payment>(r);
    expect(p).toMatchObject({
      paymentId: 'p1',
      from: 'A',
      to: 'M',
      amount: '1234',
      currency: 'USD',
      reference: 'order 42',
      via: 'owner',
      status: 'settled',
      refunded: '0',
      initiator: c.alice.owner,
      txId: r.txId,
    });
    expect(eventOf(r)).toEqual({ name: 'PaymentSettled', payload: p });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '8766', held: '0' });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '1234',
      pending: '1234',
      settled: '0',
    });
    expect(await f.query(c.bob, 'getPayment', 'A', 'p1')).toEqual(p);
    expect(await f.reject(c.bob, 'getPayment', 'B', 'p1')).toMatch(/^PAYMENT_NOT_FOUND: /);
    const hist = await f.query<Page<HistoryEntry>>(c.merchant, 'getPaymentHistory', 'M', '10', '');
    expect(hist.items).toEqual([
      {
        accountId: 'M',
        kind: 'payment',
        id: 'p1',
        direction: 'in',
        counterparty: 'A',
        amount: '1234',
        currency: 'USD',
        at: p.at,
      },
    ]);
  });

  test('idempotent on paymentId: replay returns the original and moves nothing; a different request is DUPLICATE_PAYMENT', async () => {
    const { f, c } = await funded();
    const first = await f.submit(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', 'r');
    f.advance(60_000);
    const again = await f.submit(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', 'r');
    expect(again.commit).toBe('VALID');
    expect(resultOf(again)).toEqual(resultOf(first));
    expect(again.rw.writes.size).toBe(0);
    expect(again.events).toEqual([]);
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9900' });
    for (const args of [
      ['p1', 'A', 'M', '101', 'USD', 'r'],
      ['p1', 'A', 'B', '100', 'USD', 'r'],
      ['p1', 'A', 'M', '100', 'USD', 'other'],
    ]) {
      expect(await f.reject(c.alice, 'pay', ...args)).toMatch(/^DUPLICATE_PAYMENT: /);
    }
    expect(await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '100', 'USD', 'r')).toMatch(/^FORBIDDEN: /);
  });

  test('two endorsements of the same paymentId: only one commits (MVCC on the payment key)', async () => {
    const { f, c } = await funded();
    const e1 = await f.endorse(c.alice, 'pay', ['p1', 'A', 'M', '100', 'USD', '']);
    const e2 = await f.endorse(c.alice, 'pay', ['p1', 'A', 'M', '100', 'USD', '']);
    expect(f.commit(e1).commit).toBe('VALID');
    expect(f.commit(e2).commit).toBe('MVCC_READ_CONFLICT');
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9900' });
  });

  test('access, status and currency rules', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '1', 'USD', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin, 'pay', 'p1', 'A', 'M', '1', 'USD', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'E', '1', 'USD', '')).toMatch(/^CURRENCY_MISMATCH: /);
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1', 'JPY', '')).toMatch(/^CURRENCY_MISMATCH: /);
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1', 'XYZ', '')).toMatch(/^UNSUPPORTED_CURRENCY: /);
    expect(await f.reject(c.alice, 'pay', 'p1', 'NOPE', 'M', '1', 'USD', '')).toMatch(/^ACCOUNT_NOT_FOUND: /);
    await f.ok(c.compliance, 'freezeAccount', 'A', 'x');
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1', 'USD', '')).toMatch(/^ACCOUNT_FROZEN: /);
  });

  test('pending credits are spendable after a fold; INSUFFICIENT_FUNDS says so before', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '300', 'USD', '');
    await f.ok(c.bob, 'pay', 'p2', 'B', 'M', '200', 'USD', '');
    expect(await f.reject(c.merchant, 'pay', 'm1', 'M', 'B', '400', 'USD', '')).toMatch(
      /^INSUFFICIENT_FUNDS: .*fold pending credits/,
    );
    const credits = await f.query<Page<{ creditId: string }>>(
      c.merchant,
      'listPendingCredits',
      'M',
      '100',
      '',
    );
    expect(credits.items.map((x) => x.creditId)).toEqual(['p:A:p1', 'p:B:p2']);
    expect(await f.ok(c.merchant, 'foldCredits', 'M', 'p:A:p1,p:B:p2')).toMatchObject({
      amount: '500',
      available: '500',
      held: '0',
    });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '500',
      pending: '0',
      settled: '500',
    });
    expect(await f.ok(c.merchant, 'pay', 'm1', 'M', 'B', '400', 'USD', '')).toMatchObject({ amount: '400' });
  });

  test('payWithCredits folds named incoming credits and spends them in one transaction', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '300', 'USD', '');
    await f.ok(c.bob, 'pay', 'p2', 'B', 'M', '200', 'USD', '');
    expect(await f.reject(c.merchant, 'payWithCredits', 'm1', 'M', 'B', '400', 'USD', '', 'p:A:p1')).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    const r = await f.submit(c.merchant, 'payWithCredits', 'm1', 'M', 'B', '400', 'USD', '', 'p:A:p1,p:B:p2');
    expect(r.commit).toBe('VALID');
    expect(r.rw.ranges).toEqual([]);
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '100',
      settled: '100',
      pending: '0',
    });
    // Replay: original result, nothing folded or moved again (the credits are gone anyway).
    const again = await f.submit(
      c.merchant,
      'payWithCredits',
      'm1',
      'M',
      'B',
      '400',
      'USD',
      '',
      'p:A:p1,p:B:p2',
    );
    expect(again.rw.writes.size).toBe(0);
    expect(JSON.parse(again.payload.toString())).toEqual(JSON.parse(r.payload.toString()));
    // Only the payer's own credits can be named; an empty list is a plain pay.
    await f.ok(c.alice, 'pay', 'p3', 'A', 'B', '1', 'USD', '');
    expect(await f.reject(c.merchant, 'payWithCredits', 'm2', 'M', 'B', '1', 'USD', '', 'p:A:p3')).toMatch(
      /^CREDIT_NOT_FOUND: /,
    );
    expect(await f.ok(c.merchant, 'payWithCredits', 'm2', 'M', 'B', '100', 'USD', '', '')).toMatchObject({
      amount: '100',
    });
    expect(await f.reject(c.bob, 'payWithCredits', 'm3', 'M', 'B', '1', 'USD', '', '')).toMatch(
      /^FORBIDDEN: /,
    );
  });

  test('fold: a credit folds once; unknown or repeated IDs are rejected', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '300', 'USD', '');
    const e1 = await f.endorse(c.merchant, 'foldCredits', ['M', 'p:A:p1']);
    const e2 = await f.endorse(c.merchant, 'foldCredits', ['M', 'p:A:p1']);
    expect(f.commit(e1).commit).toBe('VALID');
    expect(f.commit(e2).commit).toBe('MVCC_READ_CONFLICT');
    expect(await f.reject(c.merchant, 'foldCredits', 'M', 'p:A:p1')).toMatch(/^CREDIT_NOT_FOUND: /);
    expect(await f.reject(c.merchant, 'foldCredits', 'M', 'p:A:x,p:A:x')).toMatch(/^INVALID_ARGUMENT: /);
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '300', settled: '300' });
  });

  test("fold: only the owner or an admin of the owner's org (a fold rewrites the balance every debit reads)", async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '300', 'USD', '');
    await f.ok(c.alice, 'pay', 'p2', 'A', 'M', '200', 'USD', '');
    for (const stranger of [c.carol, c.alice, c.admin, c.issuer, c.dave]) {
      expect(await f.reject(stranger, 'foldCredits', 'M', 'p:A:p1')).toMatch(/^FORBIDDEN: /);
    }
    expect(await f.ok(c.admin2, 'foldCredits', 'M', 'p:A:p1')).toMatchObject({ amount: '300' });
    expect(await f.ok(c.merchant, 'foldCredits', 'M', 'p:A:p2')).toMatchObject({ available: '500' });
  });

  test('payment IDs are scoped within the payer account; nobody else can claim or replay one', async () => {
    const { f, c } = await funded();
    const a = await f.ok<Payment>(c.alice, 'pay', 'p1', 'A', 'M', '10', 'USD', '');
    const b = await f.ok<Payment>(c.bob, 'pay', 'p1', 'B', 'M', '20', 'USD', '');
    expect([a.from, b.from]).toEqual(['A', 'B']);
    expect(await f.query(c.merchant, 'getPayment', 'A', 'p1')).toMatchObject({ amount: '10' });
    expect(await f.query(c.merchant, 'getPayment', 'B', 'p1')).toMatchObject({ amount: '20' });
    const credits = await f.query<Page<{ creditId: string }>>(
      c.merchant,
      'listPendingCredits',
      'M',
      '10',
      '',
    );
    expect(credits.items.map((x) => x.creditId)).toEqual(['p:A:p1', 'p:B:p1']);
    // The initiator is checked before the content: bob learns nothing from guessing alice's request.
    expect(await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '10', 'USD', '')).toMatch(
      /^FORBIDDEN: .*another identity/,
    );
    expect(await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '11', 'USD', '')).toMatch(
      /^FORBIDDEN: .*another identity/,
    );
  });
});

describe('allowances (approve / allowance / payFrom)', () => {
  test("a spender pays from the owner's account within its allowance, which is consumed", async () => {
    const { f, c } = await funded();
    expect(await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '500')).toEqual({
      accountId: 'A',
      spender: c.bob.owner,
      amount: '500',
    });
    expect(await f.ok(c.bob, 'payFrom', 'p1', 'A', 'M', '200', 'USD', 'sub')).toMatchObject({
      via: 'allowance',
      initiator: c.bob.owner,
      from: 'A',
    });
    expect(await f.query(c.alice, 'getAllowance', 'A', c.bob.owner)).toMatchObject({ amount: '300' });
    expect(await f.reject(c.bob, 'payFrom', 'p2', 'A', 'M', '301', 'USD', '')).toMatch(
      /^INSUFFICIENT_ALLOWANCE: /,
    );
    expect(await f.reject(c.carol, 'payFrom', 'p2', 'A', 'M', '1', 'USD', '')).toMatch(
      /^FORBIDDEN: .*no allowance/,
    );
    expect(await f.reject(c.bob, 'pay', 'p2', 'A', 'M', '1', 'USD', '')).toMatch(/^FORBIDDEN: /);
    // The same caller's pay and payFrom are different requests under one paymentId.
    expect(await f.ok(c.alice, 'approve', 'A', c.alice.owner, '0', '50')).toMatchObject({ amount: '50' });
    await f.ok(c.alice, 'payFrom', 'p3', 'A', 'M', '10', 'USD', 'sub');
    expect(await f.reject(c.alice, 'pay', 'p3', 'A', 'M', '10', 'USD', 'sub')).toMatch(
      /^DUPLICATE_PAYMENT: /,
    );
  });

  test('only the owner approves; "0" revokes', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.bob, 'approve', 'A', c.bob.owner, '0', '5')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin, 'approve', 'A', c.bob.owner, '0', '5')).toMatch(/^FORBIDDEN: /);
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '5');
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '5', '0');
    expect(await f.reject(c.bob, 'payFrom', 'p1', 'A', 'M', '1', 'USD', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.query(c.bob, 'getAllowance', 'A', c.carol.owner)).toMatchObject({ amount: '0' });
  });

  test('approve is compare-and-set: a spender front-running a change makes the change fail (no old + new)', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.alice, 'approve', 'A', c.bob.owner, '5', '100')).toMatch(
      /^ALLOWANCE_MISMATCH: .*is 0, not the expected 5/,
    );
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '100');
    // Alice means to lower 100 to 10; bob spends the 100 first.
    await f.ok(c.bob, 'payFrom', 'p1', 'A', 'M', '100', 'USD', '');
    expect(await f.reject(c.alice, 'approve', 'A', c.bob.owner, '100', '10')).toMatch(
      /^ALLOWANCE_MISMATCH: .*is 0, not the expected 100/,
    );
    expect(await f.reject(c.bob, 'payFrom', 'p2', 'A', 'M', '1', 'USD', '')).toMatch(/^FORBIDDEN: /);
    // With the value it actually replaces, the change goes through.
    expect(await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '10')).toMatchObject({ amount: '10' });
    // An approve and a payFrom endorsed together conflict on the allowance key: one of them fails.
    const change = await f.endorse(c.alice, 'approve', ['A', c.bob.owner, '10', '20']);
    const spend = await f.endorse(c.bob, 'payFrom', ['p3', 'A', 'M', '10', 'USD', '']);
    expect(f.commit(spend).commit).toBe('VALID');
    expect(f.commit(change).commit).toBe('MVCC_READ_CONFLICT');
    expect(await f.query(c.alice, 'getAllowance', 'A', c.bob.owner)).toMatchObject({ amount: '0' });
  });
});

describe('limits', () => {
  const none = { perPayment: '', perDay: '' };

  test('per-payment and per-day limits set by the owner; released holds give the day back; reset the next UTC day', async () => {
    const { f, c } = await funded();
    const set = {
      accountId: 'A',
      compliance: none,
      owner: { perPayment: '1000', perDay: '1500' },
      effective: { perPayment: '1000', perDay: '1500' },
    };
    expect(await f.ok(c.alice, 'setLimits', 'A', '1000', '1500')).toEqual(set);
    expect(await f.query(c.alice, 'getLimits', 'A')).toEqual(set);
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1001', 'USD', '')).toMatch(/^LIMIT_EXCEEDED: /);
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '1000', 'USD', '');
    expect(
      await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '400', 'USD', '2026-03-01T12:00:00Z'),
    ).toMatchObject({ limitDay: '2026-03-01' });
    expect(await f.reject(c.alice, 'pay', 'p2', 'A', 'M', '101', 'USD', '')).toMatch(
      /^DAILY_LIMIT_EXCEEDED: /,
    );
    await f.ok(c.alice, 'pay', 'p2', 'A', 'M', '100', 'USD', '');
    // The payee releases the hold: its 400 count no more against the day.
    await f.ok(c.merchant, 'releaseHold', 'A', 'h1');
    await f.ok(c.alice, 'pay', 'p3', 'A', 'M', '400', 'USD', '');
    expect(await f.reject(c.alice, 'pay', 'p4', 'A', 'M', '1', 'USD', '')).toMatch(/^DAILY_LIMIT_EXCEEDED: /);
    f.advance(24 * 3600_000);
    await f.ok(c.alice, 'pay', 'p4', 'A', 'M', '1000', 'USD', '');
    expect(await f.reject(c.bob, 'setLimits', 'A', '', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin, 'setLimits', 'A', '', '')).toMatch(/^FORBIDDEN: /);
    // Compliance no longer sets the owner's layer.
    expect(await f.reject(c.compliance, 'setLimits', 'A', '', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok(c.alice, 'setLimits', 'A', '', '')).toEqual({
      accountId: 'A',
      compliance: none,
      owner: none,
      effective: none,
    });
    await f.ok(c.alice, 'pay', 'p5', 'A', 'M', '2000', 'USD', '');
  });

  test("compliance's layer bounds the owner's: the owner may tighten, never loosen", async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.alice, 'setComplianceLimits', 'A', '', '')).toMatch(
      /^FORBIDDEN: requires payments.role=compliance/,
    );
    expect(await f.ok(c.compliance, 'setComplianceLimits', 'A', '500', '2000')).toEqual({
      accountId: 'A',
      compliance: { perPayment: '500', perDay: '2000' },
      owner: none,
      effective: { perPayment: '500', perDay: '2000' },
    });
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '501', 'USD', '')).toMatch(/^LIMIT_EXCEEDED: /);
    expect(await f.reject(c.alice, 'setLimits', 'A', '501', '')).toMatch(/^FORBIDDEN: .*looser/);
    expect(await f.reject(c.alice, 'setLimits', 'A', '', '2001')).toMatch(/^FORBIDDEN: .*looser/);
    // "" in the owner's layer means "none of its own": compliance's still applies.
    expect(await f.ok(c.alice, 'setLimits', 'A', '200', '')).toEqual({
      accountId: 'A',
      compliance: { perPayment: '500', perDay: '2000' },
      owner: { perPayment: '200', perDay: '' },
      effective: { perPayment: '200', perDay: '2000' },
    });
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '201', 'USD', '')).toMatch(/^LIMIT_EXCEEDED: /);
    // Compliance loosening its own layer keeps the owner's tighter one.
    expect(await f.ok(c.compliance, 'setComplianceLimits', 'A', '', '')).toMatchObject({
      owner: { perPayment: '200', perDay: '' },
      effective: { perPayment: '200', perDay: '' },
    });
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '200', 'USD', '');
  });

  test('limits are rejected when malformed', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.alice, 'setLimits', 'A', '0', '')).toMatch(/^INVALID_AMOUNT: /);
    expect(await f.reject(c.alice, 'setLimits', 'A', '', '-1')).toMatch(/^INVALID_AMOUNT: /);
    expect(await f.reject(c.compliance, 'setComplianceLimits', 'A', '1.5', '')).toMatch(/^INVALID_AMOUNT: /);
  });
});
