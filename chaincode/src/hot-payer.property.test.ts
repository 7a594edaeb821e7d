import './testing/quiet';
import fc from 'fast-check';
import { Hold, Payment, SHARD_HINT_KEY, ShardBalances } from '@fabpay/model';
import { KEY } from './keys';
import { Endorsement, TestFabric } from './testing/fabric';
import { Cast, funded } from './testing/fixtures';
import { MemoryLedger } from './testing/memory-ledger';

/*
 * Property: random blocks of concurrently endorsed operations on a sharded
 * account (debits, holds, captures, releases, incoming credits and folds,
 * batches, rebalances), each block endorsed against the same committed state
 * and then committed in order like a peer validates a block, never overdraw
 * a shard or the account, never exceed the daily limit, conserve money, keep
 * every shard's held amount equal to its authorized holds, and refuse a
 * debit for funds (or the limit) only when the whole account could not
 * cover it.
 */

const SHARDS = 4;
const EXP = '2026-03-01T11:00:00.000Z';

type Op =
  | { kind: 'pay'; amount: number; hint: number | null }
  | { kind: 'batch'; amounts: number[]; hint: number | null }
  | { kind: 'hold'; amount: number; hint: number | null }
  | { kind: 'capture'; pick: number; part: number }
  | { kind: 'release'; pick: number }
  | { kind: 'incoming'; amount: number }
  | { kind: 'fold' }
  | { kind: 'rebalance' };

const hintArb = fc.option(fc.integer({ min: 0, max: 7 }), { nil: null });
const amountArb = fc.integer({ min: 1, max: 1500 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('pay' as const), amount: amountArb, hint: hintArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      amounts: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 3 }),
      hint: hintArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('hold' as const), amount: amountArb, hint: hintArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('capture' as const),
      pick: fc.nat(),
      part: fc.integer({ min: 0, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('incoming' as const), amount: amountArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fold' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rebalance' as const) }) },
);

let base: MemoryLedger;
let f: TestFabric;
let c: Cast;

beforeAll(async () => {
  ({ f, c } = await funded());
  await f.ok(c.alice, 'openShardedAccount', 'S', 'USD', '', String(SHARDS));
  await f.ok(c.issuer, 'issue', 'mint-S', 'S', '6000');
  await f.ok(c.alice, 'foldCredits', 'S', 'i:Org1MSP:mint-S');
  await f.ok(c.issuer, 'issue', 'mint-B2', 'B', '100000');
  await f.ok(c.bob, 'foldCredits', 'B', 'i:Org1MSP:mint-B2');
  base = f.ledger.clone();
}, 30_000);

function fail(what: string): never {
  throw new Error(what);
}

const big = (s: string): bigint => (/^-/.test(s) ? fail(`negative stored amount ${s}`) : BigInt(s));

test('sharded accounts: concurrent blocks never overdraw a shard or the account, conserve money, keep the limit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
      fc.option(fc.integer({ min: 500, max: 8000 }), { nil: null }),
      async (blocks, perDay) => {
        f.ledger = base.clone();
        if (perDay !== null) await f.ok(c.alice, 'setLimits', 'S', '', String(perDay));
        let seq = 0;
        const pendingIn: string[] = [];
        for (const block of blocks) {
          const before = await f.query<ShardBalances>(c.alice, 'getShards', 'S');
          const spentBefore = daySpent();
          const holds = f.peekAll<Hold>(KEY.hold, ['S']).filter((h) => h.status === 'authorized');
          const endorsed: { e: Endorsement; need: bigint }[] = [];
          for (const op of block) {
            seq += 1;
            const id = `x${seq}`;
            const t = (hint: number | null): Record<string, string> =>
              hint === null ? {} : { [SHARD_HINT_KEY]: String(hint) };
            switch (op.kind) {
              case 'pay':
                endorsed.push({
                  e: await f.endorse(
                    c.alice,
                    'pay',
                    [id, 'S', 'M', String(op.amount), 'USD', ''],
                    t(op.hint),
                  ),
                  need: BigInt(op.amount),
                });
                break;
              case 'batch': {
                const lines = op.amounts.map((a, i) => ({
                  paymentId: `${id}-${i}`,
                  to: 'M',
                  amount: String(a),
                  reference: '',
                }));
                endorsed.push({
                  e: await f.endorse(
                    c.alice,
                    'payBatch',
                    [id, 'S', 'USD', JSON.stringify(lines)],
                    t(op.hint),
                  ),
                  need: BigInt(op.amounts.reduce((s, a) => s + a, 0)),
                });
                break;
              }
              case 'hold':
                endorsed.push({
                  e: await f.endorse(
                    c.alice,
                    'authorizeHold',
                    [id, 'S', 'M', String(op.amount), 'USD', EXP],
                    t(op.hint),
                  ),
                  need: BigInt(op.amount),
                });
                break;
              case 'capture':
              case 'release': {
                const h = holds[op.pick % Math.max(1, holds.length)];
                if (!h) break;
                const args =
                  op.kind === 'capture'
                    ? ['S', h.holdId, String((BigInt(h.amount) * BigInt(op.part)) / 100n || 1n)]
                    : ['S', h.holdId];
                endorsed.push({
                  e: await f.endorse(c.merchant, op.kind === 'capture' ? 'captureHold' : 'releaseHold', args),
                  need: 0n,
                });
                break;
              }
              case 'incoming':
                endorsed.push({
                  e: await f.endorse(c.bob, 'pay', [id, 'B', 'S', String(op.amount), 'USD', '']),
                  need: 0n,
                });
                pendingIn.push(`p:B:${id}`);
                break;
              case 'fold': {
                const committed = pendingIn
                  .filter((cid) => f.peek(KEY.credit, ['S', cid]) !== null)
                  .slice(0, 100);
                if (committed.length === 0) break;
                endorsed.push({
                  e: await f.endorse(c.alice, 'foldCredits', ['S', committed.join(',')]),
                  need: 0n,
                });
                break;
              }
              case 'rebalance':
                endorsed.push({ e: await f.endorse(c.alice, 'rebalanceShards', ['S']), need: 0n });
                break;
            }
          }
          for (const { e, need } of endorsed) {
            if (e.ok) {
              const code = f.commit(e).commit;
              if (code !== 'VALID' && code !== 'MVCC_READ_CONFLICT') fail(`${e.fn} committed ${code}`);
              continue;
            }
            // A refusal for funds or the limit must be true of the whole account as endorsed.
            if (e.message.startsWith('INSUFFICIENT_FUNDS')) {
              if (need <= big(before.totalAvailable))
                fail(`refused ${need} with ${before.totalAvailable} available: ${e.message}`);
            } else if (e.message.startsWith('DAILY_LIMIT_EXCEEDED')) {
              if (perDay === null || spentBefore + need <= BigInt(perDay))
                fail(`limit refusal with ${spentBefore} spent: ${e.message}`);
            } else if (!/^(HOLD_NOT_ACTIVE|CREDIT_NOT_FOUND|INVALID_AMOUNT): /.test(e.message)) {
              fail(`${e.fn} refused: ${e.message}`);
            }
          }
          await check(perDay);
        }
      },
    ),
    { numRuns: 150 },
  );
}, 240_000);

/** Outgoing money of S today as the ledger records it: payments, live holds and captures. */
function outgoing(): bigint {
  const paid = f.peekAll<Payment>(KEY.payment, ['S']).reduce((s, p) => s + BigInt(p.amount), 0n);
  const held = f
    .peekAll<Hold>(KEY.hold, ['S'])
    .reduce(
      (s, h) =>
        s +
        (h.status === 'authorized' ? BigInt(h.amount) : h.status === 'captured' ? BigInt(h.captured) : 0n),
      0n,
    );
  return paid + held;
}

/** Sum of S's day counters. */
function daySpent(): bigint {
  return f.peekAll<{ amount: string }>(KEY.spent, ['S']).reduce((s, r) => s + big(r.amount), 0n);
}

async function check(perDay: number | null): Promise<void> {
  const shards = f.peekAll<{ available: string; held: string }>(KEY.balance, ['S']);
  if (shards.length !== SHARDS) fail(`${shards.length} shard keys`);
  const heldByShard = Array.from({ length: SHARDS }, () => 0n);
  for (const h of f.peekAll<Hold>(KEY.hold, ['S'])) {
    if (h.status !== 'authorized') continue;
    if (h.shard === undefined) fail(`hold ${h.holdId} of a sharded account has no shard`);
    heldByShard[h.shard] = (heldByShard[h.shard] ?? 0n) + BigInt(h.amount);
  }
  // Shard 0 sorts first ([S] before [S, "01"]), then 01, 02, 03.
  for (const [i, s] of shards.entries()) {
    big(s.available);
    if (big(s.held) !== heldByShard[i])
      fail(`shard ${i} holds ${s.held}, its holds sum to ${heldByShard[i]}`);
  }
  const report = await f.query<{ items: { balanced: boolean }[] }>(c.alice, 'conservationReport');
  if (!report.items.every((l) => l.balanced)) fail(`not conserved: ${JSON.stringify(report.items)}`);
  if (perDay !== null) {
    if (outgoing() > BigInt(perDay)) fail(`spent ${outgoing()} over the daily limit ${perDay}`);
    if (daySpent() !== outgoing()) fail(`day counters ${daySpent()} != outgoing ${outgoing()}`);
  }
}
