import { QueueFullError } from '../errors';
import { FakeLedger } from '../testing/fake-gateway';
import { startHarness, type Harness } from '../testing/harness';
import { AccountQueue } from './account-queue';
import { PaymentsClient, type PaymentsOptions } from './api';
import { InsufficientFundsError } from './errors';

jest.setTimeout(30_000);

/** Which account each debit names, by transaction: what the client must order on. */
const DEBITED: Record<string, (args: string[]) => string | undefined> = {
  pay: (a) => a[1],
  authorizeHold: (a) => a[1],
  captureHold: (a) => a[0],
  refund: () => 'shop',
};

/**
 * A payments stand-in that records, per debited account, how many of its transactions were
 * endorsed but not yet committed when the next one was endorsed: two such overlapping debits
 * of one account are what MVCC_READ_CONFLICT punishes on a real ledger.
 */
function overlapLedger() {
  const endorsed: { fn: string; account: string | undefined; paymentId: string | undefined }[] = [];
  const ledger = new FakeLedger((fn, args) => {
    if (fn === 'getPayment') return JSON.stringify({ paymentId: args[1], from: args[0], to: 'shop' });
    const account = DEBITED[fn]?.(args);
    endorsed.push({ fn, account, paymentId: args[0] });
    if (fn === 'pay' && args[3] === '999') throw new Error('INSUFFICIENT_FUNDS: too much');
    return JSON.stringify({ paymentId: args[0], from: args[1], to: args[2], amount: args[3] });
  });
  return { ledger, endorsed };
}

/** Max number of submits in flight at once per debited account, observed around client.submit. */
function watchOverlap(h: Harness): Map<string, number> {
  const inFlight = new Map<string, number>();
  const max = new Map<string, number>();
  const submit = h.client.submit.bind(h.client);
  jest.spyOn(h.client, 'submit').mockImplementation(async (req) => {
    const account = DEBITED[req.transaction]?.((req.args ?? []).map(String)) ?? '-';
    const n = (inFlight.get(account) ?? 0) + 1;
    inFlight.set(account, n);
    max.set(account, Math.max(max.get(account) ?? 0, n));
    try {
      return await submit(req);
    } finally {
      inFlight.set(account, (inFlight.get(account) ?? 1) - 1);
    }
  });
  return max;
}

const pay = (payments: PaymentsClient, paymentId: string, from: string, amount = '10') =>
  payments.pay({ paymentId, from, to: 'shop', amount, currency: 'EUR' });

describe('per-account ordering of debits (PaymentsClient)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await h?.close();
    h = undefined;
  });

  async function setup(options: PaymentsOptions = {}) {
    const { ledger, endorsed } = overlapLedger();
    h = await startHarness(2, {}, ledger);
    const max = watchOverlap(h);
    return { payments: new PaymentsClient(h.client, options), endorsed, max };
  }

  it('sends the payments of one payer one at a time, in call order, and other payers concurrently', async () => {
    const { payments, endorsed, max } = await setup();
    const ids = Array.from({ length: 8 }, (_, i) => `a${i}`);
    await Promise.all([
      ...ids.map((id) => pay(payments, id, 'alice')),
      ...ids.map((id) => pay(payments, id.replace('a', 'b'), 'bob')),
    ]);
    expect(max.get('alice')).toBe(1);
    expect(max.get('bob')).toBe(1);
    expect(endorsed.filter((e) => e.account === 'alice').map((e) => e.paymentId)).toEqual(ids);
    // Different payers are not serialised behind each other: their calls interleave.
    const order = endorsed.map((e) => e.account);
    expect(order.slice(0, 2).sort()).toEqual(['alice', 'bob']);
  });

  it('turned off, sends every call at once (the overlap the ordering removes)', async () => {
    const { payments, max } = await setup({ orderDebits: false });
    await Promise.all(Array.from({ length: 6 }, (_, i) => pay(payments, `x${i}`, 'alice')));
    expect(max.get('alice')).toBeGreaterThan(1);
  });

  it('orders holds, captures and refunds with the payments debiting the same account', async () => {
    const { payments, max } = await setup();
    const expiresAt = new Date(Date.now() + 60_000);
    await Promise.all([
      pay(payments, 'p1', 'alice'),
      payments.authorizeHold({
        holdId: 'h1',
        from: 'alice',
        to: 'shop',
        amount: '5',
        currency: 'EUR',
        expiresAt,
      }),
      payments.captureHold('alice', 'h1', '5'),
      pay(payments, 'p2', 'alice'),
      // The refund debits the payee ("shop", found by a query), ordered with shop's own payments.
      payments.refund('alice', 'p1', 'r1', '5'),
      pay(payments, 's1', 'shop'),
      pay(payments, 's2', 'shop'),
    ]);
    expect(max.get('alice')).toBe(1);
    expect(max.get('shop')).toBe(1);
  });

  it('a rejected payment does not hold up the ones queued behind it', async () => {
    const { payments } = await setup();
    const results = await Promise.allSettled([
      pay(payments, 'ok1', 'alice'),
      pay(payments, 'bad', 'alice', '999'),
      pay(payments, 'ok2', 'alice'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientFundsError);
  });

  it('refuses calls beyond maxQueuedPerAccount before sending anything', async () => {
    const { payments, endorsed } = await setup({ orderDebits: { maxQueuedPerAccount: 2 } });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => pay(payments, `q${i}`, 'alice')),
    );
    // One running and two waiting: the 4th and 5th are refused, definitely, and never endorsed.
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    expect(endorsed.map((e) => e.paymentId)).toEqual(['q0', 'q1', 'q2']);
  });
});

describe('AccountQueue', () => {
  it('rejects a bad bound', () => {
    expect(() => new AccountQueue({ maxQueuedPerAccount: -1 })).toThrow(RangeError);
    expect(() => new AccountQueue({ maxQueuedPerAccount: 1.5 })).toThrow(/whole number/);
  });

  it('starts a call on an idle account at once (no added latency), the next after it', async () => {
    const q = new AccountQueue();
    const started: string[] = [];
    const first = q.run('a', () => (started.push('first'), Promise.resolve()));
    const second = q.run('a', () => (started.push('second'), Promise.resolve()));
    const other = q.run('b', () => (started.push('other'), Promise.resolve()));
    expect(started).toEqual(['first', 'other']);
    await Promise.all([first, second, other]);
    expect(started).toEqual(['first', 'other', 'second']);
  });

  it('turns a call that throws synchronously into a rejection', async () => {
    const q = new AccountQueue();
    await expect(
      q.run('a', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await q.run('a', () => Promise.resolve(1))).toBe(1);
  });

  it('forgets an account once its calls are done', async () => {
    const q = new AccountQueue();
    let release: () => void = () => undefined;
    const first = q.run('a', () => new Promise<void>((r) => (release = r)));
    const second = q.run('a', () => Promise.resolve('second'));
    expect(q.depth('a')).toBe(2);
    release();
    await first;
    expect(await second).toBe('second');
    await new Promise((r) => setImmediate(r));
    expect(q.depth('a')).toBe(0);
    expect(q.activeAccounts).toBe(0);
  });
});
