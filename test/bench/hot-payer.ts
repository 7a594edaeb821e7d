/**
 * Hot payer (issue 15): --hot-payer-in-flight payments (default 100) in flight from ONE sharded
 * account, a PSP's settlement account, to random payees, with the main settings. Reports the
 * committed payments per second and their ratio to the same run's main `uniform` row, failures to
 * callers (the target is none), and the payer's balance afterwards: the sum of its shards must be
 * what it held before the row minus what the row paid, and no shard may be negative.
 *
 * The client's AccountQueue runs min(shards, 64) of the payer's debits at once, one per shard, and
 * queues the rest, so a payment's latency includes any wait in that queue.
 */
import type { ShardBalances } from '@fabpay/gateway-client';
import type { BenchArgs } from './args';
import { runLoad } from './load';
import { batchLabel } from './network';
import { retriesSince } from './payouts';
import { ratio, runReport, type RunReport } from './report';
import { classifiedSubmitter, type FabpaySubmitter } from './runners/fabpay';
import { settingsLabel, type Settings } from './settings';
import { setupShardedPayer, shardedPayments, withCpu, type ShardedPayerSetup } from './sharded';
import { seededRandom, type Accounts, type PaymentSpec } from './workloads';

/** The payer's settled funds before and after the row, and whether they add up. */
export interface HotPayerBalance {
  before: string;
  paid: string;
  expectedAfter: string;
  /** Sum of the per-shard available amounts read after the row. */
  shardsSum: string;
  /** The chaincode's own total over the shards. */
  totalAvailable: string;
  minShard: string;
  /** shardsSum = totalAvailable = before - paid. */
  consistent: boolean;
  neverNegative: boolean;
}

export interface HotPayerSection {
  payer: ShardedPayerSetup;
  inFlight: number;
  label: string;
  committedPerSecond: number;
  /** Of the same run's main uniform row (null without one). */
  shareOfUniform: number | null;
  uniformCommittedPerSecond: number | null;
  failuresToCallers: number;
  balance: HotPayerBalance;
}

/** The hot payer's account ID: one per shard count, so a changed --hot-payer-shards opens a new one. */
export function hotPayerId(prefix: string, shards: number): string {
  return `${prefix}-hotpayer-s${shards}`;
}

/** One payer to random payees (seeded), 1 minor unit each, payment IDs unique to `tag`. */
export function hotPayerWorkload(
  payer: string,
  payees: readonly string[],
  currency: string,
  tag: string,
  seed = 23,
): { payment(i: number): PaymentSpec } {
  const random = seededRandom(seed);
  return {
    payment: (i) => ({
      paymentId: `${tag}-${i}`,
      from: payer,
      to: payees[Math.floor(random() * payees.length)]!,
      amount: '1',
      currency,
    }),
  };
}

/** Checks the payer's shards after the row against what it held before and what the row paid. */
export function checkBalance(before: bigint, paid: bigint, after: ShardBalances): HotPayerBalance {
  const shards = after.available.map((a) => BigInt(a));
  const sum = shards.reduce((a, b) => a + b, 0n);
  const min = shards.reduce((a, b) => (b < a ? b : a), shards[0] ?? 0n);
  const expected = before - paid;
  return {
    before: before.toString(),
    paid: paid.toString(),
    expectedAfter: expected.toString(),
    shardsSum: sum.toString(),
    totalAvailable: after.totalAvailable,
    minShard: min.toString(),
    consistent: sum === expected && BigInt(after.totalAvailable) === expected,
    neverNegative: min >= 0n && BigInt(after.totalAvailable) >= 0n,
  };
}

/** Opens and funds the hot payer (outside the measured window); undefined when the row is off. */
export async function setupHotPayer(
  fabpay: FabpaySubmitter,
  args: BenchArgs,
  prefix: string,
  currency: string,
  log: (line: string) => void,
): Promise<ShardedPayerSetup | undefined> {
  const opts = args.hotPayer;
  if (opts.payments === 0) return undefined;
  const accountId = hotPayerId(prefix, opts.shards);
  log(`[bench] setup: hot payer ${accountId} (${opts.shards} shards)`);
  const need = BigInt(opts.payments);
  return setupShardedPayer(
    fabpay.payments,
    {
      accountId,
      currency,
      shards: opts.shards,
      // Shards hold even parts; a shard short of 1 would make a debit sweep every shard.
      minimum: need + 1_000n * BigInt(opts.shards),
      fund: need * 100n + 1_000_000n * BigInt(opts.shards),
      timeoutMs: 5 * 60_000,
    },
    log,
  );
}

/**
 * Runs the hot payer row; returns its run (for the table and runs[]) and the section. `runs` are
 * the rows so far, for the main uniform row's rate.
 */
export async function runHotPayer(deps: {
  fabpay: FabpaySubmitter;
  args: BenchArgs;
  payer: ShardedPayerSetup | undefined;
  accounts: Accounts;
  settings: Settings;
  chaincode: string;
  tag: string;
  runs: readonly RunReport[];
  log: (line: string) => void;
}): Promise<{ run: RunReport; section: HotPayerSection } | undefined> {
  const { fabpay, args, payer, accounts, settings, log } = deps;
  const opts = args.hotPayer;
  if (!payer) return undefined;
  const payments = shardedPayments(fabpay.client, deps.chaincode, { [payer.accountId]: payer.shards });
  const submitter = classifiedSubmitter((p: PaymentSpec) => payments.pay(p));
  const label = `fabpay/hot-payer/${settingsLabel(settings)}/s${payer.shards}/c${opts.inFlight}`;
  const before = BigInt((await payments.getShards(payer.accountId)).totalAvailable);
  const workload = hotPayerWorkload(payer.accountId, accounts.payers, accounts.currency, `${deps.tag}-h`);
  log(
    `[bench] run ${label}: up to ${opts.payments} payments from one payer of ${payer.shards} shards, ${opts.inFlight} in flight, cap ${args.timeCapSeconds} s`,
  );
  const retriesBefore = await fabpay.conflictRetries();
  const countsBefore = await fabpay.retryCounts();
  const slotsBefore = await fabpay.slots();
  const { result: load, cpu } = await withCpu(() =>
    runLoad(submitter, workload, {
      count: opts.payments,
      concurrency: opts.inFlight,
      timeCapMs: args.timeCapSeconds * 1000,
      mode: 'workers',
    }),
  );
  const slotsAfter = await fabpay.slots();
  const clientRetries = retriesSince(countsBefore, await fabpay.retryCounts());
  const run = runReport({
    label,
    client: 'fabpay',
    clientDescription: `${fabpay.name}; the payer's debits through a PaymentsClient that knows its ${payer.shards} shards`,
    workload: `hot-payer: one payer of ${payer.shards} shards to random payees among ${accounts.payers.length} accounts`,
    capability: settings.capability,
    endorsement: settings.endorsement,
    batch: batchLabel(settings.batch),
    custody: settings.custody,
    concurrency: opts.inFlight,
    mode: 'workers',
    load,
    conflictRetries: (await fabpay.conflictRetries()) - retriesBefore,
    clientRetries,
    cpu,
    commitTracking: fabpay.commitTracking,
    ordering: 'on',
    slots: { before: slotsBefore, after: slotsAfter },
  });
  log(
    `[bench]   ${run.committedPerSecond} committed/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, ` +
      `${run.payments.failed} failed, conflicts ${run.conflicts.seenAtCommit} seen / ${run.conflicts.reachedCallers} to callers`,
  );

  // The queried peer may be a block behind the one that reported the last commit: read again
  // (bounded) until the figures add up, and report the last reading either way.
  const paid = BigInt(load.committed);
  let balance = checkBalance(before, paid, await payments.getShards(payer.accountId));
  for (let until = Date.now() + 10_000; !balance.consistent && Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 500));
    balance = checkBalance(before, paid, await payments.getShards(payer.accountId));
  }
  const uniform = deps.runs.find((r) => r.label === `fabpay/uniform/${settingsLabel(settings)}`);
  log(
    `[bench]   hot payer balance: ${balance.before} before - ${balance.paid} paid = ${balance.expectedAfter}; ` +
      `shards sum ${balance.shardsSum}, lowest shard ${balance.minShard}: ${balance.consistent && balance.neverNegative ? 'consistent' : 'NOT CONSISTENT'}`,
  );
  return {
    run,
    section: {
      payer,
      inFlight: opts.inFlight,
      label,
      committedPerSecond: run.committedPerSecond,
      shareOfUniform: uniform ? ratio(run.committedPerSecond, uniform.committedPerSecond, 2) : null,
      uniformCommittedPerSecond: uniform?.committedPerSecond ?? null,
      failuresToCallers: run.payments.failed,
      balance,
    },
  };
}

/** Targets of the hot payer row: no failure reaches a caller; the balance adds up. */
export function hotPayerTargets(section: HotPayerSection | undefined): Record<string, unknown> {
  return {
    hotPayerNoFailureReachesCaller: {
      value: section?.failuresToCallers ?? null,
      met: section !== undefined && section.failuresToCallers === 0,
    },
    hotPayerBalanceConsistent: {
      value: section ? section.balance.consistent && section.balance.neverNegative : null,
      met: section !== undefined && section.balance.consistent && section.balance.neverNegative,
    },
  };
}
