import '../testing/quiet';
import { Account, Hold, SHARD_HINT_KEY, ShardBalances } from '@fabpay/model';
import { KEY } from '../keys';
import { Endorsement, resultOf, TestFabric } from '../testing/fabric';
import { Cast, funded } from '../testing/fixtures';
import { spread } from './shards';

const NS = '\u0000';
const keyOf = (type: string, attributes: string[]): string =>
  `${NS}${type}${NS}${attributes.map((a) => `${a}${NS}`).join('')}`;
const shardKey = (account: string, i: number): string =>
  keyOf(KEY.balance, i === 0 ? [account] : [account, String(i).padStart(2, '0')]);
const hint = (shard: number): Record<string, string> => ({ [SHARD_HINT_KEY]: String(shard) });

/** Balance keys of `account` a transaction wrote, as shard indexes. */
function shardsWritten(e: Endorsement, account: string, n = 8): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => e.rw.writes.has(shardKey(account, i)));
}
/** Balance keys of `account` a transaction read, as shard indexes. */
function shardsRead(e: Endorsement, account: string, n = 8): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => e.rw.reads.has(shardKey(account, i)));
}

/** funded(), plus S: alice's account of 8 shards holding 8000 settled (1000 per shard). */
async function sharded(): Promise<{ f: TestFabric; c: Cast }> {
  const { f, c } = await funded();
  await f.ok(c.alice, 'openShardedAccount', 'S', 'USD', '', '8');
  await f.ok(c.issuer, 'issue', 'mint-S', 'S', '8000');
  await f.ok(c.alice, 'foldCredits', 'S', 'i:Org1MSP:mint-S');
  return { f, c };
}

async function shardsOf(f: TestFabric, c: Cast, account = 'S'): Promise<ShardBalances> {
  return f.query<ShardBalances>(c.alice, 'getShards', account);
}

describe('sharded accounts: opening', () => {
  test('openShardedAccount writes shards in the descriptor and N balance keys, each in the owner org custody', async () => {
    const { f, c } = await sharded();
    const account = f.peek<Account>(KEY.account, ['S']);
    expect(account?.shards).toBe(8);
    for (let i = 0; i < 8; i++) {
      expect(f.ledger.get(shardKey('S', i))).toBeDefined();
      expect(f.ledger.policyOf(shardKey('S', i))).toBeDefined();
    }
    expect(f.ledger.get(shardKey('S', 8))).toBeUndefined();
    expect(await shardsOf(f, c)).toMatchObject({ shards: 8, totalAvailable: '8000', totalHeld: '0' });
  });

  test('an account of one shard is exactly what openAccount writes (no shards field, one balance key)', async () => {
    const { f, c } = await funded();
    const one = await f.submit(c.carol, 'openShardedAccount', 'C1', 'USD', '', '1');
    const plain = await f.submit(c.carol, 'openAccount', 'C2', 'USD', '');
    const norm = (e: Endorsement) =>
      [...e.rw.writes.entries()].map(([k, v]) => [
        k.replace(/C[12]/g, 'C'),
        v?.toString().replace(/C[12]/g, 'C'),
      ]);
    expect(norm(one)).toEqual(norm(plain));
    expect(resultOf<Account>(one)).not.toHaveProperty('shards');
  });

  test.each(['0', '65', '100', '-1', '1.5', 'x', '', '08'])(
    'shards %p is refused and opens nothing',
    async (n) => {
      const { f, c } = await funded();
      expect(await f.reject(c.carol, 'openShardedAccount', 'C', 'USD', '', n)).toMatch(/^INVALID_ARGUMENT: /);
      expect(f.peek(KEY.account, ['C'])).toBeNull();
    },
  );

  test('spread splits evenly, the first parts one larger, and sums to the total', () => {
    expect(spread(10n, 4)).toEqual([3n, 3n, 2n, 2n]);
    expect(spread(3n, 8)).toEqual([1n, 1n, 1n, 0n, 0n, 0n, 0n, 0n]);
    expect(spread(0n, 2)).toEqual([0n, 0n]);
  });
});

describe('sharded accounts: debits', () => {
  test('the fold spread the minted funds over every shard; getBalance is the sum', async () => {
    const { f, c } = await sharded();
    expect((await shardsOf(f, c)).available).toEqual(Array(8).fill('1000'));
    expect(await f.query(c.alice, 'getBalance', 'S')).toMatchObject({ available: '8000', settled: '8000' });
  });

  test('a pay with a shard hint reads and writes that one shard only', async () => {
    const { f, c } = await sharded();
    const e = await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '10', 'USD', ''], hint(5));
    expect(e.ok).toBe(true);
    expect(shardsRead(e, 'S')).toEqual([5]);
    expect(shardsWritten(e, 'S')).toEqual([5]);
    expect(f.commit(e).commit).toBe('VALID');
    expect((await shardsOf(f, c)).available[5]).toBe('990');
  });

  test('without a hint the shard comes from the transaction ID: one shard, the same on every endorsement of it', async () => {
    const { f, c } = await sharded();
    const picked = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const e = await f.endorse(c.alice, 'pay', [`p${i}`, 'S', 'M', '1', 'USD', '']);
      expect(shardsRead(e, 'S')).toHaveLength(1);
      picked.add(shardsRead(e, 'S')[0] as number);
    }
    // Different transactions land on different shards.
    expect(picked.size).toBeGreaterThan(1);
  });

  test('a hint at or above the shard count wraps; a malformed hint is INVALID_ARGUMENT', async () => {
    const { f, c } = await sharded();
    const e = await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '10', 'USD', ''], hint(13));
    expect(shardsWritten(e, 'S')).toEqual([5]);
    for (const bad of ['64', '-1', 'x', '', '05']) {
      const r = await f.endorse(c.alice, 'pay', ['p2', 'S', 'M', '10', 'USD', ''], { [SHARD_HINT_KEY]: bad });
      expect(r.message).toMatch(/^INVALID_ARGUMENT: transient fabpay.shard/);
    }
  });

  test('eight debits on eight shards in one block: disjoint keys, all commit, money exact', async () => {
    const { f, c } = await sharded();
    const endorsed: Endorsement[] = [];
    for (let i = 0; i < 8; i++) {
      endorsed.push(
        await f.endorse(c.alice, 'pay', [`p${i}`, 'S', i % 2 ? 'M' : 'B', '100', 'USD', ''], hint(i)),
      );
    }
    expect(endorsed.map((e) => f.commit(e, ['Org1MSP', 'Org2MSP']).commit)).toEqual(Array(8).fill('VALID'));
    expect(await shardsOf(f, c)).toMatchObject({ available: Array(8).fill('900'), totalAvailable: '7200' });
  });

  test('two debits on one shard in one block conflict, as debits of one balance do', async () => {
    const { f, c } = await sharded();
    const a = await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '1', 'USD', ''], hint(2));
    const b = await f.endorse(c.alice, 'pay', ['p2', 'S', 'M', '1', 'USD', ''], hint(2));
    expect([f.commit(a).commit, f.commit(b).commit]).toEqual(['VALID', 'MVCC_READ_CONFLICT']);
  });

  test('a shard that cannot cover the amount sweeps: all shards read, the rest spread evenly, none negative', async () => {
    const { f, c } = await sharded();
    const e = await f.endorse(c.alice, 'pay', ['big', 'S', 'M', '2500', 'USD', ''], hint(3));
    expect(e.ok).toBe(true);
    expect(shardsRead(e, 'S')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(f.commit(e).commit).toBe('VALID');
    const after = await shardsOf(f, c);
    expect(after.totalAvailable).toBe('5500');
    expect(after.available).toEqual(spread(5500n, 8).map(String));
  });

  test('the whole account short: INSUFFICIENT_FUNDS naming the whole account, nothing changes', async () => {
    const { f, c } = await sharded();
    const before = await shardsOf(f, c);
    expect(await f.reject(c.alice, 'pay', 'big', 'S', 'M', '8001', 'USD', '')).toBe(
      'INSUFFICIENT_FUNDS: account S has 8000 settled available, needs 8001 (fold pending credits first)',
    );
    expect(await shardsOf(f, c)).toEqual(before);
    // The whole account is spendable in one payment.
    await f.ok(c.alice, 'pay', 'all', 'S', 'M', '8000', 'USD', '');
    expect((await shardsOf(f, c)).available).toEqual(Array(8).fill('0'));
  });

  test('payFrom, payWithCredits, payBatch and redeem debit one shard', async () => {
    const { f, c } = await sharded();
    await f.ok(c.alice, 'approve', 'S', c.bob.owner, '0', '500');
    const from = await f.endorse(c.bob, 'payFrom', ['pf', 'S', 'M', '50', 'USD', ''], hint(1));
    expect(shardsWritten(from, 'S')).toEqual([1]);
    expect(f.commit(from).commit).toBe('VALID');

    await f.ok(c.bob, 'pay', 'in1', 'B', 'S', '700', 'USD', '');
    const wc = await f.endorse(
      c.alice,
      'payWithCredits',
      ['wc', 'S', 'M', '1500', 'USD', '', 'p:B:in1'],
      hint(2),
    );
    expect(shardsWritten(wc, 'S')).toEqual([2]);
    expect(f.commit(wc).commit).toBe('VALID');

    const lines = [
      { paymentId: 'l1', to: 'M', amount: '30', reference: '' },
      { paymentId: 'l2', to: 'B', amount: '20', reference: '' },
    ];
    const batch = await f.endorse(c.alice, 'payBatch', ['b1', 'S', 'USD', JSON.stringify(lines)], hint(4));
    expect(shardsWritten(batch, 'S')).toEqual([4]);
    expect(f.commit(batch).commit).toBe('VALID');

    // An issuer of alice's MSP redeems from her account.
    const red = await f.endorse(c.issuer, 'redeem', ['r1', 'S', '100'], hint(6));
    expect(shardsWritten(red, 'S')).toEqual([6]);
    expect(f.commit(red).commit).toBe('VALID');

    const after = await shardsOf(f, c);
    expect(after.available).toEqual(['1000', '950', '200', '1000', '950', '1000', '900', '1000']);
    expect(await f.query(c.alice, 'getBalance', 'S')).toMatchObject({ available: '7000', pending: '0' });
  });

  test('a refund from a sharded payee debits one of its shards', async () => {
    const { f, c } = await sharded();
    await f.ok(c.bob, 'pay', 'bp', 'B', 'S', '40', 'USD', '');
    const r = await f.endorse(c.alice, 'refund', ['B', 'bp', 'r1', '15', 'sorry'], hint(7));
    expect(shardsWritten(r, 'S')).toEqual([7]);
    expect(f.commit(r).commit).toBe('VALID');
    expect((await shardsOf(f, c)).available[7]).toBe('985');
  });
});

describe('sharded accounts: holds', () => {
  const EXP = '2026-03-01T11:00:00.000Z';

  test('a hold reserves on its shard, records it; capture returns the rest to that shard', async () => {
    const { f, c } = await sharded();
    const h = await f.endorse(c.alice, 'authorizeHold', ['h1', 'S', 'M', '300', 'USD', EXP], hint(3));
    expect(shardsWritten(h, 'S')).toEqual([3]);
    expect(f.commit(h).commit).toBe('VALID');
    expect(resultOf<Hold>(h).shard).toBe(3);
    expect(await shardsOf(f, c)).toMatchObject({ totalHeld: '300', totalAvailable: '7700' });
    expect((await shardsOf(f, c)).held[3]).toBe('300');
    const cap = await f.endorse(c.merchant, 'captureHold', ['S', 'h1', '100']);
    expect(shardsWritten(cap, 'S')).toEqual([3]);
    expect(f.commit(cap).commit).toBe('VALID');
    const after = await shardsOf(f, c);
    expect(after.available[3]).toBe('900');
    expect(after.totalHeld).toBe('0');
    expect(await f.query(c.alice, 'getBalance', 'S')).toMatchObject({ available: '7900', held: '0' });
  });

  test('release and expiry return the hold to its shard', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'authorizeHold', ['h1', 'S', 'M', '300', 'USD', EXP], hint(1)));
    await f.commit(await f.endorse(c.alice, 'authorizeHold', ['h2', 'S', 'M', '200', 'USD', EXP], hint(6)));
    await f.ok(c.merchant, 'releaseHold', 'S', 'h1');
    f.advance(3600_000);
    const exp = await f.endorse(c.bob, 'expireHold', ['S', 'h2']);
    expect(shardsWritten(exp, 'S')).toEqual([6]);
    expect(f.commit(exp).commit).toBe('VALID');
    expect(await shardsOf(f, c)).toMatchObject({ available: Array(8).fill('1000'), totalHeld: '0' });
  });

  test('a hold larger than its shard sweeps and keeps the whole amount held on its shard', async () => {
    const { f, c } = await sharded();
    const h = await f.endorse(c.alice, 'authorizeHold', ['h1', 'S', 'M', '3000', 'USD', EXP], hint(2));
    expect(f.commit(h).commit).toBe('VALID');
    const s = await shardsOf(f, c);
    expect(s.held[2]).toBe('3000');
    expect(s.totalAvailable).toBe('5000');
    await f.ok(c.merchant, 'releaseHold', 'S', 'h1');
    expect(await shardsOf(f, c)).toMatchObject({ totalAvailable: '8000', totalHeld: '0' });
  });

  test('a sweep rebalances available funds only: other shards keep their holds', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'authorizeHold', ['h1', 'S', 'M', '400', 'USD', EXP], hint(0)));
    await f.commit(await f.endorse(c.alice, 'pay', ['big', 'S', 'M', '1500', 'USD', ''], hint(5)));
    const s = await shardsOf(f, c);
    expect(s.held).toEqual(['400', '0', '0', '0', '0', '0', '0', '0']);
    expect(s.totalAvailable).toBe('6100');
    await f.ok(c.merchant, 'captureHold', 'S', 'h1', '400');
    expect(await shardsOf(f, c)).toMatchObject({ totalAvailable: '6100', totalHeld: '0' });
  });
});

describe('sharded accounts: folds, rebalancing, closing', () => {
  test('a fold spreads the account over every shard; the Fold shows the sums', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '800', 'USD', ''], hint(0)));
    await f.ok(c.bob, 'pay', 'in1', 'B', 'S', '3', 'USD', '');
    const fold = await f.ok(c.alice, 'foldCredits', 'S', 'p:B:in1');
    expect(fold).toMatchObject({ amount: '3', available: '7203', held: '0' });
    expect((await shardsOf(f, c)).available).toEqual(spread(7203n, 8).map(String));
  });

  test('rebalanceShards evens the shards out (owner or org admin), value-neutral; others are FORBIDDEN', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '800', 'USD', ''], hint(0)));
    expect(await f.reject(c.bob, 'rebalanceShards', 'S')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin2, 'rebalanceShards', 'S')).toMatch(/^FORBIDDEN: /);
    const r = await f.submit(c.admin, 'rebalanceShards', 'S');
    expect(r.commit).toBe('VALID');
    expect(resultOf<ShardBalances>(r).available).toEqual(spread(7200n, 8).map(String));
    // Shard 0 lost 800 and gains 700; every other shard gives 100.
    expect(shardsWritten(r, 'S')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const again = await f.submit(c.alice, 'rebalanceShards', 'S');
    expect(shardsWritten(again, 'S')).toEqual([]);
  });

  test('close: refused while any shard holds funds; closes once every shard is empty, reading every shard', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '7999', 'USD', '']));
    expect(await f.reject(c.alice, 'closeAccount', 'S')).toMatch(/^BALANCE_NOT_ZERO: .*available 1,/);
    await f.ok(c.alice, 'pay', 'p2', 'S', 'M', '1', 'USD', '');
    const close = await f.endorse(c.alice, 'closeAccount', ['S']);
    expect(shardsRead(close, 'S')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(f.commit(close).commit).toBe('VALID');
    expect(await f.reject(c.alice, 'rebalanceShards', 'S')).toMatch(/^ACCOUNT_CLOSED: /);
  });

  test('history and the conservation report see a sharded account like any other', async () => {
    const { f, c } = await sharded();
    await f.commit(await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '10', 'USD', ''], hint(4)));
    const history = await f.query<{ items: { id: string }[] }>(c.alice, 'getPaymentHistory', 'S', '10', '');
    expect(history.items.map((h) => h.id)).toEqual(['p1']);
    const report = await f.query<{ items: { currency: string; balanced: boolean }[] }>(
      c.alice,
      'conservationReport',
    );
    expect(report.items.every((l) => l.balanced)).toBe(true);
  });
});

describe('sharded accounts: daily limits without a hot counter', () => {
  const spentKey = (day: string, i: number): string =>
    keyOf(KEY.spent, i === 0 ? ['S', day] : ['S', day, String(i).padStart(2, '0')]);
  const DAY = '2026-03-01';

  test('debits within their shard share touch only their shard counter, and commit together', async () => {
    const { f, c } = await sharded();
    await f.ok(c.alice, 'setLimits', 'S', '', '800'); // shares of 100
    const endorsed: Endorsement[] = [];
    for (let i = 0; i < 8; i++) {
      endorsed.push(await f.endorse(c.alice, 'pay', [`p${i}`, 'S', 'M', '100', 'USD', ''], hint(i)));
    }
    for (const [i, e] of endorsed.entries()) {
      expect([...e.rw.writes.keys()].filter((k) => k.startsWith(`${NS}${KEY.spent}${NS}`))).toEqual([
        spentKey(DAY, i),
      ]);
    }
    expect(endorsed.map((e) => f.commit(e).commit)).toEqual(Array(8).fill('VALID'));
    expect(await f.reject(c.alice, 'pay', 'p9', 'S', 'M', '1', 'USD', '')).toBe(
      'DAILY_LIMIT_EXCEEDED: S has spent 800 today; 1 more exceeds the daily limit 800',
    );
    for (let i = 0; i < 8; i++) {
      expect(f.ledger.policyOf(spentKey(DAY, i))).toBeDefined();
    }
  });

  test('a debit beyond its share but within the day sweeps the counters; the day total is never exceeded', async () => {
    const { f, c } = await sharded();
    await f.ok(c.alice, 'setLimits', 'S', '', '800');
    const e = await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '500', 'USD', ''], hint(1));
    expect(e.ok).toBe(true);
    expect(f.commit(e).commit).toBe('VALID');
    await f.commit(await f.endorse(c.alice, 'pay', ['p2', 'S', 'M', '300', 'USD', ''], hint(6)));
    expect(await f.reject(c.alice, 'pay', 'p3', 'S', 'M', '1', 'USD', '')).toMatch(
      /^DAILY_LIMIT_EXCEEDED: S has spent 800 today/,
    );
  });

  test('lowering the limit below the day spend refuses every debit; a released hold does not reopen one shard alone', async () => {
    const { f, c } = await sharded();
    await f.ok(c.alice, 'setLimits', 'S', '', '800');
    await f.commit(
      await f.endorse(
        c.alice,
        'authorizeHold',
        ['h1', 'S', 'M', '100', 'USD', '2026-03-01T11:00:00.000Z'],
        hint(2),
      ),
    );
    await f.commit(await f.endorse(c.alice, 'pay', ['p1', 'S', 'M', '500', 'USD', ''], hint(3)));
    await f.ok(c.alice, 'setLimits', 'S', '', '400'); // spent 600 > 400
    for (let i = 0; i < 8; i++) {
      const r = await f.endorse(c.alice, 'pay', [`x${i}`, 'S', 'M', '1', 'USD', ''], hint(i));
      expect(r.message).toMatch(/^DAILY_LIMIT_EXCEEDED: S has spent 600 today/);
    }
    await f.ok(c.merchant, 'releaseHold', 'S', 'h1'); // 500 spent, still over 400
    for (let i = 0; i < 8; i++) {
      const r = await f.endorse(c.alice, 'pay', [`y${i}`, 'S', 'M', '1', 'USD', ''], hint(i));
      expect(r.message).toMatch(/^DAILY_LIMIT_EXCEEDED: S has spent 500 today/);
    }
    await f.ok(c.alice, 'setLimits', 'S', '', '600'); // 100 left in the day
    await f.commit(await f.endorse(c.alice, 'pay', ['z1', 'S', 'M', '100', 'USD', ''], hint(5)));
    expect(await f.reject(c.alice, 'pay', 'z2', 'S', 'M', '1', 'USD', '')).toMatch(
      /^DAILY_LIMIT_EXCEEDED: S has spent 600 today/,
    );
  });
});
