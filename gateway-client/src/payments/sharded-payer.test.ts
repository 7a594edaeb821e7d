import { FakeLedger } from '../testing/fake-gateway';
import { startHarness, type Harness } from '../testing/harness';
import { AccountQueue } from './account-queue';
import { PaymentsClient, type PaymentsOptions } from './api';

jest.setTimeout(30_000);

describe('AccountQueue with width (a sharded payer)', () => {
  it('runs up to `width` calls of one account at once, each on its own slot, the rest in call order', async () => {
    const q = new AccountQueue();
    const releases: (() => void)[] = [];
    const started: [string, number][] = [];
    const calls = ['a', 'b', 'c', 'd', 'e'].map((name) =>
      q.run(
        'hot',
        (slot) => {
          started.push([name, slot]);
          return new Promise<void>((r) => releases.push(r));
        },
        3,
      ),
    );
    expect(started).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    expect(q.depth('hot')).toBe(5);
    releases[1]?.();
    await new Promise((r) => setImmediate(r));
    // The freed slot goes to the first waiting call.
    expect(started[3]).toEqual(['d', 1]);
    for (const r of releases) r();
    await new Promise((r) => setImmediate(r));
    for (const r of releases) r();
    await Promise.all(calls);
    expect(started.map(([n]) => n)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(q.activeAccounts).toBe(0);
  });

  it('counts only the waiting calls against maxQueuedPerAccount', async () => {
    const q = new AccountQueue({ maxQueuedPerAccount: 1 });
    const hang = () => new Promise<void>(() => undefined);
    void q.run('hot', hang, 2);
    void q.run('hot', hang, 2);
    void q.run('hot', hang, 2);
    await expect(q.run('hot', hang, 2)).rejects.toMatchObject({ name: 'QueueFullError', queueLength: 1 });
  });
});

/** Records, per pay, the shard hint it carried and how many pays of its payer were in flight. */
function watch(h: Harness) {
  const hints: (string | undefined)[] = [];
  let inFlight = 0;
  let max = 0;
  const submit = h.client.submit.bind(h.client);
  jest.spyOn(h.client, 'submit').mockImplementation(async (req) => {
    if (req.transaction !== 'pay') return submit(req);
    const t = req.transient?.['fabpay.shard'];
    hints.push(t === undefined ? undefined : String(t));
    max = Math.max(max, ++inFlight);
    try {
      await new Promise((r) => setTimeout(r, 20));
      return await submit(req);
    } finally {
      inFlight--;
    }
  });
  return { hints, max: () => max };
}

describe('PaymentsClient and a sharded payer', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await h?.close();
    h = undefined;
  });

  async function setup(options: PaymentsOptions = {}) {
    const ledger = new FakeLedger((fn, args) => {
      if (fn === 'openShardedAccount') return JSON.stringify({ accountId: args[0], shards: Number(args[3]) });
      if (fn === 'openAccount') return JSON.stringify({ accountId: args[0] });
      return JSON.stringify({ paymentId: args[0], from: args[1] });
    });
    h = await startHarness(2, {}, ledger);
    return { payments: new PaymentsClient(h.client, options), w: watch(h) };
  }
  const pay = (p: PaymentsClient, id: string, from = 'hot') =>
    p.pay({ paymentId: id, from, to: 'shop', amount: '1', currency: 'EUR' });

  it('openAccount with shards opens a sharded account; a bad count is refused before sending', async () => {
    const { payments } = await setup();
    expect((await payments.openAccount('hot', 'EUR', '', { shards: 4 })).value).toMatchObject({ shards: 4 });
    await expect(payments.openAccount('x', 'EUR', '', { shards: 65 })).rejects.toThrow(RangeError);
    await expect(payments.openAccount('x', 'EUR', '', { shards: 0 })).rejects.toThrow(RangeError);
  });

  it("runs a sharded payer's debits concurrently, one per shard, each with its shard's hint", async () => {
    const { payments, w } = await setup({ orderDebits: { accountShards: { hot: 4 } } });
    await Promise.all(Array.from({ length: 12 }, (_, i) => pay(payments, `p${i}`)));
    expect(w.max()).toBe(4);
    expect(new Set(w.hints)).toEqual(new Set(['0', '1', '2', '3']));
  });

  it('learns the shard count from openAccount', async () => {
    const { payments, w } = await setup();
    await payments.openAccount('hot', 'EUR', '', { shards: 3 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => pay(payments, `p${i}`)));
    expect(w.max()).toBe(3);
  });

  it('an account of one shard is sent one debit at a time without a hint, as before', async () => {
    const { payments, w } = await setup({ orderDebits: { accountShards: { hot: 4 } } });
    await Promise.all(Array.from({ length: 4 }, (_, i) => pay(payments, `p${i}`, 'plain')));
    expect(w.max()).toBe(1);
    expect(w.hints).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('maxConcurrentPerAccount bounds a sharded payer', async () => {
    const { payments, w } = await setup({
      orderDebits: { accountShards: { hot: 16 }, maxConcurrentPerAccount: 2 },
    });
    await Promise.all(Array.from({ length: 6 }, (_, i) => pay(payments, `p${i}`)));
    expect(w.max()).toBe(2);
  });
});
