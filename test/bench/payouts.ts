/**
 * Batch payouts (issue 15): payee lines per second committed through `payBatch` batches of 1, 10,
 * 100 and MAX_BATCH_LINES (500) lines by default (--payout-batches), each row bounded by --payout-lines and --time-cap.
 *
 * A payroll pays from one account, and one account's debits serialise one per block, so the
 * payer is a sharded account (sharded.ts): with S shards, up to S batches of it commit in one
 * block. --payout-in-flight batches are kept in flight (closed loop); the client's AccountQueue
 * runs min(S, in flight) of them at once, one per shard, and queues the rest, so a batch's latency
 * includes any wait in that queue. Lines pay 1 minor unit each to payees drawn (seeded) from the
 * bench's payer accounts, distinct within a batch while there are enough of them, as a payroll
 * pays each employee once: with repeats, a batch of 500 drawn from 1,000 accounts would pay only
 * about 393 payees, read and credit each once, and flatter the figures of large batches.
 */
import type { BatchLineRequest, PayBatchRequest } from '@fabpay/gateway-client';
import type { BenchArgs, PayoutArgs } from './args';
import { round, type CpuReport } from './cpu';
import { runLoad, type Outcome } from './load';
import { chaincodeMsPerExecution, endorsingPeersPerPayment, formatTable } from './report';
import { classifiedSubmitter, type FabpaySubmitter } from './runners/fabpay';
import { settingsLabel, type Settings } from './settings';
import { setupShardedPayer, shardedPayments, withCpu, type ShardedPayerSetup } from './sharded';
import { summarize, type LatencySummary } from './stats';
import { seededRandom, type Accounts } from './workloads';

/** What a payout row measured. */
export interface PayoutRow {
  label: string;
  /** Lines per batch. */
  batchLines: number;
  batchesInFlight: number;
  payerShards: number;
  batches: { attempted: number; committed: number; failed: number };
  linesCommitted: number;
  linesPerSecond: number;
  batchesPerSecond: number;
  /** From the payBatch call to its commit, committed batches only (includes the AccountQueue wait). */
  batchLatencyMs: LatencySummary;
  conflicts: { seenAtCommit: number; retriedByClient: number; reachedCallers: number };
  /**
   * Every retry the client made during the row, by stage/reason: an endorsement that outlives
   * the peer's timeout under a big batch is endorsed again, which costs a whole execution.
   */
  clientRetries: Record<string, number>;
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  wallSeconds: number;
  stoppedByTimeCap: boolean;
  cpu: CpuReport & {
    /** CPU ms per committed line by process group, and their sum. */
    msPerLine: Record<string, number>;
    /**
     * cores x 1000 / total CPU ms per line: the lines/s this row would reach with the whole
     * machine to itself if it stayed CPU-bound. An estimate, not a measurement.
     */
    capacityEstimateLinesPerSecond: number;
  };
  /**
   * Chaincode CPU per execution (one batch endorsed by one peer) and per line:
   * chaincode CPU / (committed batches x endorsing peers per batch), and / committed lines.
   */
  chaincodeCpu: { endorsingPeersPerBatch: number; msPerExecution: number; msPerLine: number };
}

export interface PayoutSection {
  payer: ShardedPayerSetup;
  settings: string;
  rows: PayoutRow[];
}

/** The payout payer's account ID: one per shard count, so a changed --payout-shards opens a new one. */
export function payoutPayerId(prefix: string, shards: number): string {
  return `${prefix}-payout-s${shards}`;
}

/**
 * The batches of one row: `count` batches of `size` lines, IDs unique to the row's `tag`, payees
 * distinct within a batch unless `size` exceeds the payees given (then each payee once, then again).
 */
export function payoutWorkload(
  payer: string,
  payees: readonly string[],
  currency: string,
  size: number,
  tag: string,
  seed = 11,
): { payment(i: number): PayBatchRequest } {
  const random = seededRandom(seed);
  return {
    payment: (i) => {
      const batchId = `${tag}-${i}`;
      // A partial Fisher-Yates shuffle: the first `size` places of a fresh permutation.
      const pool = [...payees];
      const lines: BatchLineRequest[] = Array.from({ length: size }, (_, k) => {
        const place = k % pool.length;
        const pick = place + Math.floor(random() * (pool.length - place));
        [pool[place], pool[pick]] = [pool[pick]!, pool[place]!];
        return { paymentId: `${batchId}-${k}`, to: pool[place]!, amount: '1' };
      });
      return { batchId, from: payer, currency, lines };
    },
  };
}

/** Retries by stage/reason between two readings of the client's counters (only those that grew). */
export function retriesSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** Batches a row sends: its lines rounded up to whole batches. */
export function batchesFor(opts: Pick<PayoutArgs, 'lines'>, size: number): number {
  return Math.ceil(opts.lines / size);
}

/** Figures of one row from its load result and CPU. */
export function payoutRow(args: {
  label: string;
  size: number;
  opts: PayoutArgs;
  endorsement: string;
  load: Awaited<ReturnType<typeof runLoad>>;
  cpu: CpuReport;
  conflictRetries: number;
  clientRetries?: Record<string, number>;
}): PayoutRow {
  const { load, cpu, size } = args;
  const lines = load.committed * size;
  const msPerLine: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(cpu.seconds)) {
    if (k === 'otherOnMachine') continue;
    msPerLine[k] = lines > 0 ? round((v * 1000) / lines, 3) : 0;
    total += msPerLine[k];
  }
  msPerLine.total = round(total, 3);
  const endorsers = endorsingPeersPerPayment(args.endorsement);
  const perSecond = (n: number): number => round(load.wallSeconds > 0 ? n / load.wallSeconds : 0, 1);
  return {
    label: args.label,
    batchLines: size,
    batchesInFlight: args.opts.inFlight,
    payerShards: args.opts.shards,
    batches: { attempted: load.attempted, committed: load.committed, failed: load.failed },
    linesCommitted: lines,
    linesPerSecond: perSecond(lines),
    batchesPerSecond: perSecond(load.committed),
    batchLatencyMs: summarize(load.latenciesMs),
    conflicts: {
      seenAtCommit: args.conflictRetries + load.conflictsToCallers,
      retriedByClient: args.conflictRetries,
      reachedCallers: load.conflictsToCallers,
    },
    clientRetries: args.clientRetries ?? {},
    errors: load.errors,
    errorSamples: load.errorSamples,
    wallSeconds: round(load.wallSeconds, 2),
    stoppedByTimeCap: load.stoppedByTimeCap,
    cpu: {
      ...cpu,
      msPerLine,
      capacityEstimateLinesPerSecond: total > 0 ? round((cpu.cores * 1000) / total, 0) : 0,
    },
    chaincodeCpu: {
      endorsingPeersPerBatch: endorsers,
      msPerExecution: chaincodeMsPerExecution(cpu.seconds.chaincode, load.committed * endorsers),
      msPerLine: chaincodeMsPerExecution(cpu.seconds.chaincode, lines),
    },
  };
}

/** Opens and funds the payout payer (outside the measured window); undefined when no rows are asked for. */
export async function setupPayouts(
  fabpay: FabpaySubmitter,
  args: BenchArgs,
  prefix: string,
  currency: string,
  log: (line: string) => void,
): Promise<ShardedPayerSetup | undefined> {
  const opts = args.payouts;
  if (opts.batchSizes.length === 0) return undefined;
  const accountId = payoutPayerId(prefix, opts.shards);
  log(`[bench] setup: payout payer ${accountId} (${opts.shards} shards)`);
  // Every line pays 1; a row sends at most its lines rounded up to whole batches, after a warm-up
  // window of at most `inFlight` batches.
  const need = BigInt(
    opts.batchSizes.reduce((n, size) => {
      const count = batchesFor(opts, size);
      return n + (count + Math.min(opts.inFlight, count)) * size;
    }, 0),
  );
  return setupShardedPayer(
    fabpay.payments,
    {
      accountId,
      currency,
      shards: opts.shards,
      minimum: need + 1_000n,
      fund: need * 100n + 1_000_000n,
      timeoutMs: 5 * 60_000,
    },
    log,
  );
}

/** What the payout runs need from the bench. */
export interface PayoutDeps {
  fabpay: FabpaySubmitter;
  args: BenchArgs;
  payer: ShardedPayerSetup | undefined;
  accounts: Accounts;
  settings: Settings;
  chaincode: string;
  tag: string;
  log: (line: string) => void;
}

/** Submits one batch and classifies its outcome (runners/fabpay.ts). */
type BatchSubmitter = { pay(req: PayBatchRequest): Promise<Outcome> };

/** Sends payBatch for the payout payer, with its shard count known to the client. */
function payoutSubmitter(deps: PayoutDeps, payer: ShardedPayerSetup): BatchSubmitter {
  const payments = shardedPayments(deps.fabpay.client, deps.chaincode, { [payer.accountId]: payer.shards });
  return classifiedSubmitter((req: PayBatchRequest) => payments.payBatch(req));
}

/**
 * One unmeasured window of `inFlight` batches of `size` lines. Two runs of one build with the rows
 * in opposite order measured batches of 500 at 3.08 ms of CPU per line as the first row and 2.28
 * as the second (the servers had not yet run batches that size): without a window per row, the
 * order of the rows could decide their figures.
 */
async function warmUp(
  deps: PayoutDeps,
  payer: ShardedPayerSetup,
  submitter: BatchSubmitter,
  size: number,
  tag: string,
): Promise<void> {
  const { args, accounts } = deps;
  const opts = args.payouts;
  // Batch IDs of its own: a replay of earlier batches would return at once and warm nothing.
  const warm = await runLoad(
    submitter,
    payoutWorkload(payer.accountId, accounts.payers, accounts.currency, size, tag),
    {
      count: Math.min(opts.inFlight, batchesFor(opts, size)),
      concurrency: opts.inFlight,
      timeCapMs: args.timeCapSeconds * 1000,
      mode: 'workers',
    },
  );
  if (warm.failed > 0) deps.log(`[bench]   warm-up: ${warm.failed} of ${warm.attempted} batches failed`);
}

/**
 * --profile: batches of `size` lines for `seconds`, after a warm-up window, with `capture` started
 * between the two (profile.ts), so the profiles show where a payout line's CPU goes. Returns what
 * `capture` gave, or undefined without a payout payer.
 */
export async function profilePayouts<T>(
  deps: PayoutDeps,
  size: number,
  seconds: number,
  capture: () => Promise<{ finish(): Promise<T> }>,
): Promise<T | undefined> {
  const { args, payer, accounts, log } = deps;
  if (!payer) return undefined;
  const submitter = payoutSubmitter(deps, payer);
  await warmUp(deps, payer, submitter, size, `${deps.tag}-pw${size}`);
  log(`[bench] profile: batches of ${size} lines for ${seconds} s`);
  const taking = await capture();
  const load = await runLoad(
    submitter,
    payoutWorkload(payer.accountId, accounts.payers, accounts.currency, size, `${deps.tag}-prof${size}`),
    {
      // More than the capture can use at 2,000 lines/s; the time cap ends the load.
      count: Math.ceil((seconds * 2000) / size),
      concurrency: args.payouts.inFlight,
      timeCapMs: seconds * 1000,
      mode: 'workers',
    },
  );
  log(`[bench]   ${load.committed * size} lines committed while profiled, ${load.failed} batches failed`);
  return taking.finish();
}

/** Runs the payout rows, one per batch size, with the main settings, each after its warm-up window. */
export async function runPayouts(deps: PayoutDeps): Promise<PayoutSection | undefined> {
  const { fabpay, args, payer, accounts, settings, log } = deps;
  const opts = args.payouts;
  if (!payer) return undefined;
  const submitter = payoutSubmitter(deps, payer);

  const rows: PayoutRow[] = [];
  for (const size of opts.batchSizes) {
    const label = `fabpay/payout-${size}/${settingsLabel(settings)}/s${opts.shards}/c${opts.inFlight}`;
    const count = batchesFor(opts, size);
    log(
      `[bench] run ${label}: up to ${count} batches of ${size} lines, ${opts.inFlight} in flight, cap ${args.timeCapSeconds} s`,
    );
    await warmUp(deps, payer, submitter, size, `${deps.tag}-w${size}`);
    const workload = payoutWorkload(
      payer.accountId,
      accounts.payers,
      accounts.currency,
      size,
      `${deps.tag}-p${size}`,
    );
    const retriesBefore = await fabpay.conflictRetries();
    const countsBefore = await fabpay.retryCounts();
    const { result: load, cpu } = await withCpu(() =>
      runLoad(submitter, workload, {
        count,
        concurrency: opts.inFlight,
        timeCapMs: args.timeCapSeconds * 1000,
        mode: 'workers',
      }),
    );
    const row = payoutRow({
      label,
      size,
      opts,
      endorsement: settings.endorsement,
      load,
      cpu,
      conflictRetries: (await fabpay.conflictRetries()) - retriesBefore,
      clientRetries: retriesSince(countsBefore, await fabpay.retryCounts()),
    });
    rows.push(row);
    log(
      `[bench]   ${row.linesPerSecond} lines/s, ${row.batchesPerSecond} batches/s, p50 ${row.batchLatencyMs.p50} ms, ` +
        `p99 ${row.batchLatencyMs.p99} ms, ${row.batches.failed} batches failed`,
    );
  }
  return { payer, settings: settingsLabel(settings), rows };
}

/** The target: >= 1,000 lines/s through batches of 100 (null when that row was not run). */
export function payoutTarget(section: PayoutSection | undefined): { value: number | null; met: boolean } {
  const row = section?.rows.find((r) => r.batchLines === 100);
  return { value: row?.linesPerSecond ?? null, met: (row?.linesPerSecond ?? 0) >= 1000 };
}

/** The payout rows for stderr. */
export function payoutTable(section: PayoutSection): string {
  const head = [
    'payout run',
    'lines/s',
    'batches/s',
    'p50 ms',
    'p99 ms',
    'batches ok/fail',
    'conflicts seen/to callers',
    'client retries',
    'cpu ms/line ord/peer/cc/client',
    'cpu ms/line',
    'cc ms/exec',
    'cc ms/line',
    'capacity lines/s',
  ];
  const rows = section.rows.map((r) => [
    r.label,
    r.linesPerSecond.toFixed(1),
    r.batchesPerSecond.toFixed(1),
    r.batchLatencyMs.p50.toFixed(0),
    r.batchLatencyMs.p99.toFixed(0),
    `${r.batches.committed}/${r.batches.failed}`,
    `${r.conflicts.seenAtCommit}/${r.conflicts.reachedCallers}`,
    String(Object.values(r.clientRetries).reduce((a, b) => a + b, 0)),
    [r.cpu.msPerLine.orderers, r.cpu.msPerLine.peers, r.cpu.msPerLine.chaincode, r.cpu.msPerLine.client]
      .map((x) => (x ?? 0).toFixed(2))
      .join('/'),
    (r.cpu.msPerLine.total ?? 0).toFixed(2),
    r.chaincodeCpu.msPerExecution.toFixed(2),
    r.chaincodeCpu.msPerLine.toFixed(3),
    r.cpu.capacityEstimateLinesPerSecond.toFixed(0),
  ]);
  return formatTable(head, rows);
}
