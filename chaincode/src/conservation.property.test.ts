import './testing/quiet';
import fc from 'fast-check';
import { KEY } from './keys';
import { Account, BalanceRecord, ConservationLine, Credit, Hold, Payment, Supply } from './model';
import { Endorsement, Submitted, TestFabric } from './testing/fabric';
import { MemoryLedger } from './testing/memory-ledger';
import { cast, Cast } from './testing/fixtures';
import { TestIdentity } from './testing/identities';

/**
 * Property: over thousands of random operation sequences (valid and invalid
 * amounts, replays, duplicate IDs, holds through every end state, refunds,
 * freezes, allowances, folds, and pairs of transactions endorsed against the
 * same state and committed together), after every step and per currency
 *   settled available + held + pending credits = issued − redeemed
 * and no balance, credit or allowance is ever negative, refunds never exceed
 * their payment and captures never exceed their hold.
 */

const ACCOUNTS = ['A', 'B', 'C', 'M', 'E', 'F'] as const;
type Acct = (typeof ACCOUNTS)[number];
const OWNER: Record<Acct, keyof Cast> = {
  A: 'alice',
  B: 'bob',
  C: 'carol',
  M: 'merchant',
  E: 'alice',
  F: 'bob',
};

const acct = fc.constantFrom(...ACCOUNTS);
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 3000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-5', '1.5', '007', '', '1e3', '1000000000000000000000001') },
);
/** Mostly the payer's own currency ('auto'), sometimes a fixed one (mismatches). */
const currency = fc.constantFrom('auto', 'auto', 'auto', 'auto', 'USD', 'EUR');
/** A share of the referenced hold/payment (mostly valid), or a raw amount. */
const share = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }).map((pct) => ({ pct, raw: '' })) },
  { weight: 1, arbitrary: amount.map((raw) => ({ pct: 0, raw })) },
);
const CUR: Record<Acct, string> = { A: 'USD', B: 'USD', C: 'USD', M: 'USD', E: 'EUR', F: 'EUR' };
const cur = (from: Acct, c: string) => (c === 'auto' ? CUR[from] : c);
const portion = (total: string | undefined, s: { pct: number; raw: string }) =>
  s.pct === 0 ? s.raw : total === undefined ? '1' : ((BigInt(total) * BigInt(s.pct)) / 100n || 1n).toString();
const id = (prefix: string, n: number) => fc.integer({ min: 0, max: n - 1 }).map((i) => `${prefix}${i}`);

const simpleOp = fc.oneof(
  fc.record({ kind: fc.constant('pay' as const), from: acct, to: acct, amount, pid: id('p', 4), currency }),
  fc.record({
    kind: fc.constant('payFrom' as const),
    from: acct,
    to: acct,
    amount,
    pid: id('p', 4),
    currency,
  }),
  fc.record({ kind: fc.constant('fold' as const), acct }),
  fc.record({
    kind: fc.constant('payWith' as const),
    from: acct,
    to: acct,
    amount,
    pid: id('p', 4),
    currency,
  }),
  fc.record({ kind: fc.constant('refund' as const), ref: fc.nat(), share, rid: id('r', 6) }),
  fc.record({ kind: fc.constant('capture' as const), ref: fc.nat(), share }),
  fc.record({ kind: fc.constant('redeem' as const), acct, amount, op: id('o', 6) }),
);
const op = fc.oneof(
  { weight: 6, arbitrary: simpleOp },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('issue' as const), acct, amount, op: id('o', 6) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      from: acct,
      to: acct,
      amount,
      hid: id('h', 3),
      currency,
      ttl: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('release' as const), ref: fc.nat(), byPayee: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      ref: fc.nat(),
      waitMs: fc.integer({ min: 0, max: 4000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 5000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('freeze' as const),
      acct,
      on: fc.constantFrom(true, false, false),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('race' as const), a: simpleOp, b: simpleOp }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
type SimpleOp = typeof simpleOp extends fc.Arbitrary<infer T> ? T : never;

/** Committed (VALID) transactions by function, and commit conflicts: proves the generator reaches success paths. */
const committed: Record<string, number> = {};
let conflicts = 0;

function count(r: Submitted): void {
  if (r.commit === 'VALID') {
    committed[r.fn] = (committed[r.fn] ?? 0) + 1;
  } else if (r.commit !== 'NOT_SUBMITTED') {
    conflicts += 1;
  }
}

let f: TestFabric;
let c: Cast;
let base: MemoryLedger;
const START = new Date('2026-03-01T10:00:00.000Z');

beforeAll(async () => {
  c = await cast();
  f = new TestFabric();
  f.now = START;
  for (const a of ACCOUNTS) {
    await f.ok(c[OWNER[a]], 'openAccount', a, a === 'E' || a === 'F' ? 'EUR' : 'USD', '');
  }
  for (const [a, amt] of [
    ['A', '5000'],
    ['B', '5000'],
    ['C', '2000'],
    ['M', '1000'],
    ['E', '3000'],
    ['F', '1000'],
  ] as const) {
    await f.ok(c.issuer, 'issue', `seed-${a}`, a, amt);
    await f.ok(c.issuer, 'foldCredits', a, `i.seed-${a}`);
  }
  await f.ok(c.alice, 'approve', 'A', c.bob.owner, '1500');
  base = f.ledger;
});

function who(a: Acct): TestIdentity {
  return c[OWNER[a]];
}

// Client-side lookups read committed state directly: they only pick who
// submits next, and going through the chaincode would double the run time.
// Operations on holds and payments mostly name one that exists (as a client
// would); 'h9' / 'p9' stand for an unknown ID when there is none yet.
function pickHold(ref: number): Hold | null {
  const all = f.peekAll<Hold>(KEY.hold, []);
  const open = all.filter((h) => h.status === 'authorized');
  const from = open.length > 0 && ref % 4 !== 0 ? open : all;
  return from.length ? (from[ref % from.length] as Hold) : null;
}
function pickPayment(ref: number): Payment | null {
  const all = f.peekAll<Payment>(KEY.payment, []);
  return all.length ? (all[ref % all.length] as Payment) : null;
}

/** Endorses one operation against current state (queries first where a client would). */
async function endorse(o: SimpleOp): Promise<Endorsement | null> {
  switch (o.kind) {
    case 'pay':
      return f.endorse(who(o.from), 'pay', [o.pid, o.from, o.to, o.amount, cur(o.from, o.currency), '']);
    case 'payFrom':
      return f.endorse(c.bob, 'payFrom', [o.pid, o.from, o.to, o.amount, cur(o.from, o.currency), '']);
    case 'payWith': {
      const pending = f.peekAll<Credit>(KEY.credit, [o.from]).map((x) => x.creditId);
      const args = [o.pid, o.from, o.to, o.amount, cur(o.from, o.currency), '', pending.join(',')];
      return f.endorse(who(o.from), 'payWithCredits', args);
    }
    case 'fold': {
      const pending = f.peekAll<Credit>(KEY.credit, [o.acct]);
      return pending.length
        ? f.endorse(c.carol, 'foldCredits', [o.acct, pending.map((x) => x.creditId).join(',')])
        : null;
    }
    case 'refund': {
      const p = pickPayment(o.ref);
      return f.endorse(p ? who(p.to as Acct) : c.carol, 'refund', [
        o.rid,
        p?.paymentId ?? 'p9',
        portion(p?.amount, o.share),
        '',
      ]);
    }
    case 'capture': {
      const h = pickHold(o.ref);
      return f.endorse(h ? who(h.to as Acct) : c.carol, 'captureHold', [
        h?.holdId ?? 'h9',
        portion(h?.amount, o.share),
      ]);
    }
    case 'redeem':
      return f.endorse(c.issuer, 'redeem', [o.op, o.acct, o.amount]);
  }
}

async function step(o: Op): Promise<void> {
  switch (o.kind) {
    case 'issue':
      count(await f.submit(c.issuer, 'issue', o.op, o.acct, o.amount));
      return;
    case 'hold':
      count(
        await f.submit(
          who(o.from),
          'authorizeHold',
          o.hid,
          o.from,
          o.to,
          o.amount,
          cur(o.from, o.currency),
          new Date(f.now.getTime() + o.ttl * 1000).toISOString(),
        ),
      );
      return;
    case 'release': {
      const h = pickHold(o.ref);
      count(
        await f.submit(
          h ? who((o.byPayee ? h.to : h.from) as Acct) : c.carol,
          'releaseHold',
          h?.holdId ?? 'h9',
        ),
      );
      return;
    }
    case 'expire':
      f.advance(o.waitMs);
      count(await f.submit(c.carol, 'expireHold', pickHold(o.ref)?.holdId ?? 'h9'));
      return;
    case 'tick':
      f.advance(o.ms);
      return;
    case 'freeze':
      count(
        await f.submit(
          c.compliance,
          o.on ? 'freezeAccount' : 'unfreezeAccount',
          ...(o.on ? [o.acct, 'random'] : [o.acct]),
        ),
      );
      return;
    case 'race': {
      // Both endorsed against the same committed state, then committed in order.
      const a = await endorse(o.a);
      const b = await endorse(o.b);
      for (const e of [a, b]) {
        if (e) {
          count(f.commit(e));
        }
      }
      return;
    }
    default: {
      const e = await endorse(o);
      if (e) {
        count(f.commit(e));
      }
    }
  }
}

const NONNEG = /^(0|[1-9][0-9]*)$/;
const POSITIVE = /^[1-9][0-9]*$/;

/** Throws (fails the property) unless `ok`. Plain checks: this runs ~100k times. */
function invariant(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`invariant violated: ${what}`);
  }
}

/** Checks the invariants directly on committed state. */
function checkInvariants(): void {
  const currencyOf = new Map<string, string>();
  const records: [string, string, unknown][] = [];
  for (const [key, v] of f.ledger.entries()) {
    const [, type = '', first = ''] = key.split('\u0000');
    const value = JSON.parse(v.value.toString()) as unknown;
    records.push([type, first, value]);
    if (type === 'fabpay.account') {
      currencyOf.set(first, (value as Account).currency);
    }
  }
  const total = new Map<string, bigint>();
  const add = (cur: string, n: bigint) => total.set(cur, (total.get(cur) ?? 0n) + n);
  const supply = new Map<string, bigint>();
  for (const [type, first, value] of records) {
    if (type === 'fabpay.balance') {
      const b = value as BalanceRecord;
      invariant(
        NONNEG.test(b.available) && NONNEG.test(b.held),
        `balance of ${first} non-negative: ${JSON.stringify(b)}`,
      );
      add(currencyOf.get(first) ?? '?', BigInt(b.available) + BigInt(b.held));
    } else if (type === 'fabpay.credit') {
      const cr = value as Credit;
      invariant(POSITIVE.test(cr.amount), `credit positive: ${JSON.stringify(cr)}`);
      add(cr.currency, BigInt(cr.amount));
    } else if (type === 'fabpay.supply') {
      const sp = value as Supply;
      supply.set(sp.currency, BigInt(sp.issued) - BigInt(sp.redeemed));
    } else if (type === 'fabpay.refunded') {
      const p = f.peek<Payment>(KEY.payment, [first]);
      const refunded = (value as { refunded: string }).refunded;
      invariant(p !== null && BigInt(refunded) <= BigInt(p.amount), `refunds within payment ${first}`);
    } else if (type === 'fabpay.hold') {
      const h = value as Hold;
      invariant(BigInt(h.captured) <= BigInt(h.amount), `capture within hold ${h.holdId}`);
    } else if (type === 'fabpay.allowance') {
      invariant(NONNEG.test((value as { amount: string }).amount), 'allowance non-negative');
    }
  }
  for (const cur of new Set([...total.keys(), ...supply.keys()])) {
    invariant(
      (total.get(cur) ?? 0n) === (supply.get(cur) ?? 0n),
      `${cur}: available + held + pending ${total.get(cur) ?? 0n} = issued - redeemed ${supply.get(cur) ?? 0n}`,
    );
  }
}

test('conservation and non-negativity hold after every step of random operation sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
      f.ledger = base.clone();
      f.now = START;
      for (const o of ops) {
        await step(o);
        checkInvariants();
      }
      const report = await f.query<{ items: ConservationLine[] }>(c.bob, 'conservationReport');
      invariant(
        report.items.every((l) => l.balanced),
        `conservationReport balanced: ${JSON.stringify(report.items)}`,
      );
    }),
    { numRuns: 2000 },
  );
  const fns = [
    'pay',
    'payFrom',
    'payWithCredits',
    'foldCredits',
    'refund',
    'captureHold',
    'redeem',
    'issue',
    'authorizeHold',
    'releaseHold',
    'expireHold',
    'freezeAccount',
    'unfreezeAccount',
  ];
  const reached = Object.fromEntries(fns.map((fn) => [fn, (committed[fn] ?? 0) >= 5]));
  expect({ reached, committed }).toEqual({
    reached: Object.fromEntries(fns.map((fn) => [fn, true])),
    committed,
  });
  expect(conflicts).toBeGreaterThan(0);
}, 60_000);
