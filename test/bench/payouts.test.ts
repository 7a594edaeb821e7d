import type { CpuReport } from './cpu';
import type { LoadResult } from './load';
import {
  batchesFor,
  payoutRow,
  payoutTable,
  payoutTarget,
  payoutWorkload,
  retriesSince,
  type PayoutRow,
} from './payouts';

const cpu = (seconds: Partial<CpuReport['seconds']>): CpuReport => ({
  seconds: { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0, ...seconds },
  shareOfBusy: { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0 },
  machineBusyCores: 2,
  cores: 2,
  lost: [],
});

const load = (committed: number, failed: number, wallSeconds: number): LoadResult => ({
  attempted: committed + failed,
  committed,
  failed,
  conflictsToCallers: 0,
  errors: failed > 0 ? { INSUFFICIENT_FUNDS: failed } : {},
  errorSamples: {},
  latenciesMs: Array.from({ length: committed }, (_, i) => 100 + i),
  wallSeconds,
  stoppedByTimeCap: false,
});

const opts = { batchSizes: [100], lines: 1000, shards: 8, inFlight: 8 };

describe('payout workload', () => {
  it('pays each payee at most once in a batch when there are enough of them, the same for a seed', () => {
    const payees = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    const a = payoutWorkload('payroll', payees, 'EUR', 500, 't').payment(0);
    const b = payoutWorkload('payroll', payees, 'EUR', 500, 't').payment(0);
    expect(new Set(a.lines.map((l) => l.to)).size).toBe(500);
    expect(b).toEqual(a);
    expect(payoutWorkload('payroll', payees, 'EUR', 500, 't', 12).payment(0)).not.toEqual(a);
  });

  it('builds batches of the size asked for, with IDs unique across batches and lines', () => {
    const w = payoutWorkload('payroll', ['a', 'b', 'c'], 'EUR', 10, 'tag-p10');
    const batches = [0, 1, 2].map((i) => w.payment(i));
    expect(batches.map((b) => b.batchId)).toEqual(['tag-p10-0', 'tag-p10-1', 'tag-p10-2']);
    for (const b of batches) {
      expect(b).toMatchObject({ from: 'payroll', currency: 'EUR' });
      expect(b.lines).toHaveLength(10);
      for (const l of b.lines) {
        expect(['a', 'b', 'c']).toContain(l.to);
        expect(l.amount).toBe('1');
      }
    }
    const ids = batches.flatMap((b) => b.lines.map((l) => l.paymentId));
    expect(new Set(ids).size).toBe(30);
    // More lines than payees: each payee once per pass over them.
    for (const b of batches) {
      const counts = ['a', 'b', 'c'].map((p) => b.lines.filter((l) => l.to === p).length).sort();
      expect(counts).toEqual([3, 3, 4]);
    }
    // IDs stay within the chaincode's 64 characters for a bench tag.
    expect(Math.max(...ids.map((id) => `b${Date.now().toString(36)}-${id}`.length))).toBeLessThanOrEqual(64);
  });

  it('counts the retries that grew between two readings', () => {
    expect(
      retriesSince({ 'commit/MVCC_READ_CONFLICT': 2 }, { 'commit/MVCC_READ_CONFLICT': 5, 'endorse/x': 1 }),
    ).toEqual({
      'commit/MVCC_READ_CONFLICT': 3,
      'endorse/x': 1,
    });
    expect(retriesSince({ a: 1 }, { a: 1 })).toEqual({});
  });

  it('rounds a row up to whole batches', () => {
    expect(batchesFor({ lines: 1000 }, 1)).toBe(1000);
    expect(batchesFor({ lines: 1000 }, 500)).toBe(2);
    expect(batchesFor({ lines: 1000 }, 300)).toBe(4);
  });
});

describe('payout row', () => {
  it('counts lines, and CPU per line and per chaincode execution (majority: 2 endorsers per batch)', () => {
    const row = payoutRow({
      label: 'x',
      size: 100,
      opts,
      endorsement: 'majority',
      load: load(10, 1, 2),
      cpu: cpu({ peers: 4, chaincode: 2, orderers: 1, client: 1 }),
      conflictRetries: 3,
      clientRetries: { 'endorse/DEADLINE_EXCEEDED': 2 },
    });
    expect(row.linesCommitted).toBe(1000);
    expect(row.linesPerSecond).toBe(500);
    expect(row.batchesPerSecond).toBe(5);
    expect(row.batches).toEqual({ attempted: 11, committed: 10, failed: 1 });
    expect(row.cpu.msPerLine).toEqual({ orderers: 1, peers: 4, chaincode: 2, client: 1, total: 8 });
    expect(row.cpu.capacityEstimateLinesPerSecond).toBe(250);
    expect(row.chaincodeCpu).toEqual({ endorsingPeersPerBatch: 2, msPerExecution: 100, msPerLine: 2 });
    expect(row.conflicts).toEqual({ seenAtCommit: 3, retriedByClient: 3, reachedCallers: 0 });
    expect(row.clientRetries).toEqual({ 'endorse/DEADLINE_EXCEEDED': 2 });
    expect(
      payoutTable({
        payer: { accountId: 'p', shards: 8, opened: true, issued: '0', seconds: 1 },
        settings: 's',
        rows: [row],
      }),
    ).toMatch(/^payout run +lines\/s/);
  });

  it('one endorser per batch under `any`; nothing committed gives zeros, not NaN', () => {
    const row = payoutRow({
      label: 'x',
      size: 100,
      opts,
      endorsement: 'any',
      load: load(0, 2, 1),
      cpu: cpu({ chaincode: 1 }),
      conflictRetries: 0,
    });
    expect(row.chaincodeCpu).toEqual({ endorsingPeersPerBatch: 1, msPerExecution: 0, msPerLine: 0 });
    expect(row.linesPerSecond).toBe(0);
  });

  it('meets the target at >= 1,000 lines/s in batches of 100', () => {
    // Only the fields the target reads matter here.
    const row = (linesPerSecond: number, batchLines = 100): PayoutRow =>
      ({ batchLines, linesPerSecond }) as PayoutRow;
    const section = (rows: PayoutRow[]) => ({
      payer: { accountId: 'p', shards: 8, opened: false, issued: '0', seconds: 0 },
      settings: 's',
      rows,
    });
    expect(payoutTarget(undefined)).toEqual({ value: null, met: false });
    expect(payoutTarget(section([row(2000, 500)]))).toEqual({ value: null, met: false });
    expect(payoutTarget(section([row(999.9)]))).toEqual({ value: 999.9, met: false });
    expect(payoutTarget(section([row(1000)]))).toEqual({ value: 1000, met: true });
  });
});
