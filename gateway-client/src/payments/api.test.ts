import { FakeLedger } from '../testing/fake-gateway';
import { eventually, startHarness, type Harness } from '../testing/harness';
import { PaymentsClient } from './api';
import {
  DuplicateIdError,
  InsufficientFundsError,
  PAYMENT_ERROR_CODES,
  PaymentsError,
  PaymentValidationError,
  toPaymentsError,
} from './errors';
import { ChaincodeError } from '../errors';
import type { PaymentEvent } from './types';

jest.setTimeout(30_000);

/** A tiny stand-in for the payments chaincode: records calls, answers like the real one. */
function fakePayments(calls: { fn: string; args: string[] }[]) {
  return new FakeLedger((fn, args) => {
    calls.push({ fn, args });
    switch (fn) {
      case 'pay': {
        const [paymentId, from, to, amount, currency, reference] = args;
        if (args.length !== 6)
          throw new Error(`Expected 6 parameters, but ${args.length} have been supplied`);
        if (BigInt(amount ?? '0') > 100n) throw new Error(`INSUFFICIENT_FUNDS: ${from} has 100 ${currency}`);
        return JSON.stringify({ paymentId, from, to, amount, currency, reference, status: 'settled' });
      }
      case 'payWithCredits': {
        const [paymentId, from, to, amount, currency, reference] = args;
        return JSON.stringify({ paymentId, from, to, amount, currency, reference, status: 'settled' });
      }
      case 'issue':
        throw new Error('DUPLICATE_OPERATION: op-1 already used for a different request');
      case 'getBalance':
        return JSON.stringify({
          accountId: args[0],
          currency: 'EUR',
          available: '100',
          held: '0',
          pending: '0',
          pendingCount: 0,
          settled: '100',
        });
      case 'conservationReport':
        return JSON.stringify({
          items: [{ currency: 'EUR', total: '100', outstanding: '100', balanced: true }],
        });
      default:
        throw new Error(`SOMETHING_NEW: ${fn} not in this fake`);
    }
  });
}

describe('PaymentsClient', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('maps calls to chaincode transactions and parses typed results', async () => {
    const calls: { fn: string; args: string[] }[] = [];
    h = await startHarness(1, {}, fakePayments(calls));
    const payments = new PaymentsClient(h.client);
    const paid = await payments.pay({
      paymentId: 'p1',
      from: 'alice',
      to: 'bob',
      amount: 25n,
      currency: 'EUR',
    });
    expect(paid.value).toMatchObject({ paymentId: 'p1', amount: '25', reference: '', status: 'settled' });
    expect(paid.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(calls[0]).toEqual({ fn: 'pay', args: ['p1', 'alice', 'bob', '25', 'EUR', ''] });
    await payments.payWithCredits({
      paymentId: 'p3',
      from: 'bob',
      to: 'alice',
      amount: '5',
      currency: 'EUR',
      creditIds: ['p.p1', 'i.op-7'],
    });
    expect(calls[1]).toEqual({
      fn: 'payWithCredits',
      args: ['p3', 'bob', 'alice', '5', 'EUR', '', 'p.p1,i.op-7'],
    });
    expect((await payments.getBalance('alice')).available).toBe('100');
    expect((await payments.conservationReport())[0]?.balanced).toBe(true);
  });

  it('turns chaincode rejections into typed payments errors', async () => {
    h = await startHarness(1, {}, fakePayments([]));
    const payments = new PaymentsClient(h.client);
    const funds = await payments
      .pay({ paymentId: 'p2', from: 'alice', to: 'bob', amount: '1000', currency: 'EUR' })
      .catch((e: unknown) => e);
    expect(funds).toBeInstanceOf(InsufficientFundsError);
    expect(funds).toMatchObject({
      paymentCode: 'INSUFFICIENT_FUNDS',
      category: 'funds',
      code: 'CHAINCODE_ERROR',
    });
    const dup = await payments.issue('op-1', 'alice', '5').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DuplicateIdError);
    const count = await payments.submit('pay', 'only-one-arg').catch((e: unknown) => e);
    expect(count).toBeInstanceOf(PaymentValidationError);
    expect(count).toMatchObject({ paymentCode: 'INVALID_ARGUMENT' });
    const unknown = await payments.getHold('h1').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PaymentsError);
    expect(unknown).toMatchObject({ paymentCode: 'SOMETHING_NEW', category: 'unknown' });
  });

  it('has a typed error class for every documented code', () => {
    for (const code of PAYMENT_ERROR_CODES) {
      const mapped = toPaymentsError(new ChaincodeError(code, 'x'));
      expect(mapped).toBeInstanceOf(PaymentsError);
      expect((mapped as PaymentsError).category).not.toBe('unknown');
    }
  });

  it('decodes payments events', async () => {
    h = await startHarness(1);
    const payments = new PaymentsClient(h.client);
    const seen: PaymentEvent[] = [];
    const stream = payments.events({ startBlock: 0n, handler: (e) => void seen.push(e) });
    h.ledger.emitEvent('PaymentSettled', JSON.stringify({ paymentId: 'p9', amount: '7' }));
    h.ledger.emitEvent('SomethingElse', '{}');
    h.ledger.emitEvent('Issued', JSON.stringify({ operationId: 'op', amount: '1' }));
    await eventually(() => seen.length === 2, 10_000, 'events');
    await stream.stop();
    expect(seen.map((e) => e.name)).toEqual(['PaymentSettled', 'Issued']);
    const first = seen[0];
    if (first?.name === 'PaymentSettled') expect(first.payload.paymentId).toBe('p9');
    else throw new Error('expected PaymentSettled first');
  });
});
