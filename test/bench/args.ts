/** Command-line flags of `npm run bench -- [flags]`. */
import { parseArgs } from 'node:util';
import {
  ENDORSEMENTS,
  type BatchSetting,
  type ChannelCapability,
  type Custody,
  type Endorsement,
} from './network';
import { WORKLOADS, type WorkloadName } from './workloads';
import { channelCapability } from '@fabpay/network';
import { MAX_BATCH_LINES, MAX_SHARDS } from '@fabpay/model';
import { BENCH_PORT_SPAN, DEFAULT_BENCH_PORT_BASE, parsePortBase } from './ports';

export interface BenchArgs {
  /** Payments per client (1) run and per upstream concurrent (3) run. */
  payments: number;
  /** Upstream sequential (2): at most this many payments, and at most `sequentialSeconds`. */
  sequentialPayments: number;
  sequentialSeconds: number;
  /** Fan-out: one payer, so its debits serialise; fewer payments, lower concurrency. */
  fanoutPayments: number;
  fanoutConcurrency: number;
  workloads: WorkloadName[];
  /** Payments in flight for (1) (closed loop). */
  concurrency: number;
  /** (3): payments per Promise.all wave; 0 (default) = one Promise.all over all of them at once. */
  upstreamWave: number;
  connectionsPerEndpoint: number;
  maxInFlightPerEndpoint: number;
  /** Time cap of every measured run, seconds. */
  timeCapSeconds: number;
  /** Block cutting settings; the first is the main setting, the others are compared on `uniform`. */
  batches: BatchSetting[];
  /** Channel capabilities; the first is the main one, the others are compared on uniform and hot. */
  capabilities: ChannelCapability[];
  /** Endorsement settings; the first is the main one, the others are compared on uniform and hot (with the last capability). */
  endorsements: Endorsement[];
  /**
   * Governance custody settings; the first is the main one (every main row), the others are
   * compared on uniform with the main settings, each on accounts opened under it.
   */
  custody: Custody[];
  payers: number;
  warmup: number;
  keep: boolean;
  jsonOnly: boolean;
  skipUpstream: boolean;
  /**
   * Commit tracking of this client; the first is the main one, every one is measured on uniform
   * back to back (each with a client of its own, warmed up), for CPU per payment and slots held.
   */
  commit: CommitTracking[];
  /**
   * Per-payer ordering of debits (PaymentsClient orderDebits); the first is the main one, the
   * others are measured on fanout at --fanout-concurrency right after the main fanout rows.
   */
  ordering: Ordering[];
  /**
   * Levers (levers.ts): each measured on uniform against the settings before it, from `legacy`
   * (the chaincode and defaults before them) to main; false skips the section.
   */
  levers: boolean;
  /**
   * Raft snapshot intervals in bytes (etcdraft SnapshotIntervalSize); the first is the network's,
   * the others are compared on uniform right after it, then the first is restored.
   */
  snapshotIntervals: number[];
  /** One more uniform row, then payout batches, with every process profiled (profile.ts). */
  profile: boolean;
  /** Every row on the chaincode and network defaults from before the levers (`legacy`). */
  legacy: boolean;
  /** Batch payouts from one sharded payer (payouts.ts). */
  payouts: PayoutArgs;
  /** Many payments in flight from one sharded payer (hot-payer.ts). */
  hotPayer: HotPayerArgs;
  /** First port of the bench network (env FABPAY_BENCH_PORT_BASE; ports.ts). */
  portBase: number;
}

export interface PayoutArgs {
  /** Lines per payBatch, one row each, in order; empty: no payout rows. */
  batchSizes: number[];
  /** Lines per row (rounded up to whole batches); each row is also bounded by --time-cap. */
  lines: number;
  /** Shards of the payout payer account. */
  shards: number;
  /** Batches in flight (closed loop). */
  inFlight: number;
}

export interface HotPayerArgs {
  /** Payments in the row; 0: no hot payer row. */
  payments: number;
  /** Shards of the hot payer account. */
  shards: number;
  /** Payments in flight (closed loop). */
  inFlight: number;
}

export type CommitTracking = 'stream' | 'status';
export type Ordering = 'on' | 'off';

function choices<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const list = value.split(',').map((v) => v.trim());
  for (const v of list)
    if (!(allowed as readonly string[]).includes(v))
      throw new Error(`--${flag}: expected ${allowed.join(' or ')}, got "${v}"`);
  if (new Set(list).size !== list.length) throw new Error(`--${flag}: "${value}" repeats a value`);
  return list as T[];
}

const USAGE = `usage: npm run bench -- [--payments N] [--workloads uniform,hot,fanout] [--concurrency C]
  [--sequential-payments N] [--sequential-seconds S] [--fanout-payments N] [--fanout-concurrency C]
  [--upstream-wave N] [--connections N] [--in-flight N] [--time-cap S] [--batch 250ms/500,1s/500]
  [--capability V2_0,V3_0] [--endorsement majority,implicit,any] [--custody on,off] [--payers N] [--warmup N]
  [--commit stream,status] [--ordering on,off] [--snapshot-interval 16KB,16MB] [--no-levers] [--legacy] [--profile]
  [--payout-batches 1,10,100,max|none] [--payout-lines N] [--payout-shards N] [--payout-in-flight N]
  [--hot-payer-payments N] [--hot-payer-shards N] [--hot-payer-in-flight N]
  [--skip-upstream] [--keep] [--json-only]
environment: FABPAY_BENCH_PORT_BASE=P (default ${DEFAULT_BENCH_PORT_BASE}) moves the bench network to ports P..P+${BENCH_PORT_SPAN - 1},
  so a second bench can run beside another one (each worktree has its own bench home)`;

function int(
  name: string,
  v: string | undefined,
  dflt: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new Error(
      `--${name}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got "${v}"\n${USAGE}`,
    );
  return n;
}

/** A list of sizes such as `16KB,16MB` (KB and MB are 1024-based, as Fabric's configtx reads them). */
function sizes(flag: string, value: string): number[] {
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 * 1024 };
  const list = value.split(',').map((v) => {
    const m = /^(\d+)\s*(B|KB|MB)$/i.exec(v.trim());
    const n = m ? Number(m[1]) * units[m[2]!.toUpperCase()]! : NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new Error(`--${flag}: expected sizes such as 16KB or 16MB, got "${v}"\n${USAGE}`);
    return n;
  });
  if (new Set(list).size !== list.length) throw new Error(`--${flag}: "${value}" repeats a value`);
  return list;
}

/**
 * --payout-batches: batch sizes in lines, each 1..MAX_BATCH_LINES (`max` is MAX_BATCH_LINES), no
 * repeats; `none` runs no payout rows.
 */
export function parseBatchSizes(value: string): number[] {
  if (value.trim() === 'none') return [];
  const sizes = value.split(',').map((v) => {
    const t = v.trim();
    const n = t === 'max' ? MAX_BATCH_LINES : Number(t);
    if (t === '' || !Number.isInteger(n) || n < 1 || n > MAX_BATCH_LINES)
      throw new Error(
        `--payout-batches: expected batch sizes from 1 to ${MAX_BATCH_LINES} (or max), or none, got "${v}"`,
      );
    return n;
  });
  if (new Set(sizes).size !== sizes.length) throw new Error(`--payout-batches: "${value}" repeats a size`);
  return sizes;
}

/** Parses the flags (and FABPAY_BENCH_PORT_BASE from `env`); a bad value throws saying which. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  const portBase = parsePortBase(env.FABPAY_BENCH_PORT_BASE);
  const { values } = parseArgs({
    args: argv,
    options: {
      payments: { type: 'string' },
      'sequential-payments': { type: 'string' },
      'sequential-seconds': { type: 'string' },
      'fanout-payments': { type: 'string' },
      'fanout-concurrency': { type: 'string' },
      workloads: { type: 'string' },
      concurrency: { type: 'string' },
      'upstream-wave': { type: 'string' },
      connections: { type: 'string' },
      'in-flight': { type: 'string' },
      'time-cap': { type: 'string' },
      batch: { type: 'string' },
      endorsement: { type: 'string' },
      capability: { type: 'string' },
      custody: { type: 'string' },
      commit: { type: 'string' },
      ordering: { type: 'string' },
      payers: { type: 'string' },
      warmup: { type: 'string' },
      'payout-batches': { type: 'string' },
      'payout-lines': { type: 'string' },
      'payout-shards': { type: 'string' },
      'payout-in-flight': { type: 'string' },
      'hot-payer-payments': { type: 'string' },
      'hot-payer-shards': { type: 'string' },
      'hot-payer-in-flight': { type: 'string' },
      'skip-upstream': { type: 'boolean', default: false },
      'no-levers': { type: 'boolean', default: false },
      'snapshot-interval': { type: 'string' },
      legacy: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'json-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const workloads = (values.workloads ?? WORKLOADS.join(',')).split(',').map((w) => w.trim());
  for (const w of workloads) {
    if (!(WORKLOADS as readonly string[]).includes(w))
      throw new Error(`--workloads: unknown workload "${w}" (${WORKLOADS.join(', ')})`);
  }
  const batches = (values.batch ?? '250ms/500,1s/500').split(',').map((b) => {
    const m = /^(\d+(?:ms|s))\/(\d+)$/.exec(b.trim());
    if (!m) throw new Error(`--batch: expected <timeout>/<maxMessageCount> such as 250ms/500, got "${b}"`);
    return { timeout: m[1]!, maxMessageCount: Number(m[2]) };
  });
  const endorsements = (values.endorsement ?? 'majority,any').split(',').map((e) => {
    const t = e.trim();
    if (!(ENDORSEMENTS as readonly string[]).includes(t))
      throw new Error(`--endorsement: expected ${ENDORSEMENTS.join(', ')}, got "${e}"`);
    return t as Endorsement;
  });
  // Default: the capability the network is created with (per Fabric pin), then the other one.
  const installed = channelCapability();
  const defaultCapabilities = `${installed},${installed === 'V2_0' ? 'V3_0' : 'V2_0'}`;
  const capabilities = (values.capability ?? defaultCapabilities).split(',').map((c) => {
    const t = c.trim();
    if (t !== 'V3_0' && t !== 'V2_0') throw new Error(`--capability: expected V3_0 or V2_0, got "${c}"`);
    return t;
  });
  const custody = (values.custody ?? 'on,off').split(',').map((c) => {
    const t = c.trim();
    if (t !== 'on' && t !== 'off') throw new Error(`--custody: expected on or off, got "${c}"`);
    return t;
  });
  if (new Set(custody).size !== custody.length)
    throw new Error(`--custody: "${values.custody}" repeats a value`);
  const payments = int('payments', values.payments, 1200);
  return {
    payments,
    sequentialPayments: int('sequential-payments', values['sequential-payments'], 300),
    sequentialSeconds: int('sequential-seconds', values['sequential-seconds'], 20),
    fanoutPayments: int('fanout-payments', values['fanout-payments'], Math.min(payments, 60)),
    fanoutConcurrency: int('fanout-concurrency', values['fanout-concurrency'], 4),
    workloads: workloads as WorkloadName[],
    concurrency: int('concurrency', values.concurrency, 100),
    upstreamWave: int('upstream-wave', values['upstream-wave'], 0, 0),
    connectionsPerEndpoint: int('connections', values.connections, 2),
    maxInFlightPerEndpoint: int('in-flight', values['in-flight'], 250),
    timeCapSeconds: int('time-cap', values['time-cap'], 45),
    batches,
    capabilities,
    endorsements,
    custody,
    payers: int('payers', values.payers, 1000, 2),
    warmup: int('warmup', values.warmup, 200, 0),
    keep: values.keep ?? false,
    jsonOnly: values['json-only'] ?? false,
    skipUpstream: values['skip-upstream'] ?? false,
    commit: choices('commit', values.commit ?? 'stream,status', ['stream', 'status'] as const),
    ordering: choices('ordering', values.ordering ?? 'on,off', ['on', 'off'] as const),
    // Measuring the levers means ending on main settings, which --legacy forbids.
    levers: !(values['no-levers'] ?? false) && !(values.legacy ?? false),
    legacy: values.legacy ?? false,
    profile: values.profile ?? false,
    snapshotIntervals: sizes('snapshot-interval', values['snapshot-interval'] ?? '16KB,16MB'),
    payouts: {
      batchSizes: parseBatchSizes(values['payout-batches'] ?? `1,10,100,${MAX_BATCH_LINES}`),
      lines: int('payout-lines', values['payout-lines'], 3000),
      shards: int('payout-shards', values['payout-shards'], 8, 1, MAX_SHARDS),
      inFlight: int('payout-in-flight', values['payout-in-flight'], 8),
    },
    hotPayer: {
      payments: int('hot-payer-payments', values['hot-payer-payments'], payments, 0),
      shards: int('hot-payer-shards', values['hot-payer-shards'], MAX_SHARDS, 1, MAX_SHARDS),
      inFlight: int('hot-payer-in-flight', values['hot-payer-in-flight'], 100),
    },
    portBase,
  };
}
