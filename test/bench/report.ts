/** Turns load results into the report's JSON and a short human table. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { round, type CpuReport } from './cpu';
import type { LoadResult, SlotUsage } from './load';
import { ratio, summarize, type LatencySummary } from './stats';

export type ClientKind = 'fabpay' | 'upstream-sequential' | 'upstream-concurrent';

/** Peer organisations of the bench topology (test/bench/topology.yaml). */
export const PEER_ORGS = 2;

/**
 * Peers that endorse (and so execute the chaincode for) one payment under an endorsement
 * setting: `majority` is a majority of the orgs (more than half, both of the bench's two;
 * `implicit` the same rule by the channel's reference), `any` one org's peer. This counts what the
 * chaincode policy asks for; a conflict retried by the client executes the chaincode again, which
 * this figure includes in the CPU and does not add to the count, so it is CPU per *useful*
 * execution.
 */
export function endorsingPeersPerPayment(endorsement: string, orgs = PEER_ORGS): number {
  if (endorsement === 'majority' || endorsement === 'implicit') return Math.floor(orgs / 2) + 1;
  if (endorsement === 'any') return 1;
  throw new Error(`unknown endorsement setting "${endorsement}"`);
}

/** Chaincode CPU ms per execution: chaincode CPU seconds / (executions); 0 when none committed. */
export function chaincodeMsPerExecution(chaincodeCpuSeconds: number, executions: number): number {
  return executions > 0 ? round((chaincodeCpuSeconds * 1000) / executions, 2) : 0;
}

export interface RunReport {
  label: string;
  client: ClientKind;
  clientDescription: string;
  workload: string;
  capability: string;
  endorsement: string;
  batch: string;
  /** Governance custody when the run's accounts were opened (their keys' endorsement policy). */
  custody: string;
  concurrency: number;
  mode: 'workers' | 'waves';
  /** This client's commit tracking and debit ordering ('' for the upstream clients). */
  commitTracking: string;
  ordering: string;
  /**
   * Gateway slots: slot-milliseconds per committed payment (a CommitStatus call holds its slot
   * for the whole commit wait; the block-event stream holds none, and is counted in
   * `streamsOpen`), the mean number of slots held over the run (slot-seconds / wall seconds), and
   * where commits were learned. Null for clients that do not keep these figures.
   */
  gatewaySlots: {
    slotMsPerPayment: number;
    commitStatusSlotMsPerPayment: number;
    meanSlotsHeld: number;
    commitsViaStream: number;
    commitsViaStatus: number;
    streamsOpen: number;
  } | null;
  payments: { attempted: number; committed: number; failed: number };
  committedPerSecond: number;
  latencyMs: LatencySummary;
  conflicts: { seenAtCommit: number; retriedByClient: number; reachedCallers: number };
  /** Every retry the client made, by stage/reason (this client's retries_total metric). */
  clientRetries: Record<string, number>;
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  wallSeconds: number;
  stoppedByTimeCap: boolean;
  cpu: CpuReport & {
    /** CPU milliseconds per committed payment by group, and their sum (robust to other load on the machine). */
    msPerCommittedPayment: Record<string, number>;
    /**
     * cores x 1000 / total CPU ms per payment: the rate this configuration would reach with the
     * whole machine to itself, if it stayed CPU-bound. An estimate, not a measurement.
     */
    capacityEstimatePerSecond: number;
  };
  /**
   * Chaincode CPU per execution: the chaincode servers' CPU over (committed payments x endorsing
   * peers per payment under the row's endorsement setting), so a leaner chaincode shows directly
   * whatever the endorsement setting.
   */
  chaincodeCpu: { endorsingPeersPerPayment: number; msPerExecution: number };
}

export function runReport(args: {
  label: string;
  client: ClientKind;
  clientDescription: string;
  workload: string;
  capability: string;
  endorsement: string;
  batch: string;
  custody: string;
  concurrency: number;
  mode: 'workers' | 'waves';
  load: LoadResult;
  conflictRetries: number;
  clientRetries: Record<string, number>;
  cpu: CpuReport;
  commitTracking?: string;
  ordering?: string;
  /** The client's slot figures before and after the run. */
  slots?: { before: SlotUsage; after: SlotUsage };
}): RunReport {
  const { load, cpu } = args;
  const perCommitted = (x: number): number => (load.committed > 0 ? round(x / load.committed, 2) : 0);
  const gatewaySlots = args.slots
    ? {
        slotMsPerPayment: perCommitted((args.slots.after.slotSeconds - args.slots.before.slotSeconds) * 1000),
        commitStatusSlotMsPerPayment: perCommitted(
          (args.slots.after.commitStatusSlotSeconds - args.slots.before.commitStatusSlotSeconds) * 1000,
        ),
        meanSlotsHeld:
          load.wallSeconds > 0
            ? round((args.slots.after.slotSeconds - args.slots.before.slotSeconds) / load.wallSeconds, 1)
            : 0,
        commitsViaStream: args.slots.after.commitsViaStream - args.slots.before.commitsViaStream,
        commitsViaStatus: args.slots.after.commitsViaStatus - args.slots.before.commitsViaStatus,
        streamsOpen: args.slots.after.streamsOpen,
      }
    : null;
  const perPayment: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(cpu.seconds)) {
    if (k === 'otherOnMachine') continue;
    perPayment[k] = load.committed > 0 ? round((v * 1000) / load.committed, 2) : 0;
    total += perPayment[k];
  }
  perPayment.total = round(total, 2);
  const capacity = total > 0 ? round((cpu.cores * 1000) / total, 0) : 0;
  const endorsers = endorsingPeersPerPayment(args.endorsement);
  return {
    label: args.label,
    client: args.client,
    clientDescription: args.clientDescription,
    workload: args.workload,
    capability: args.capability,
    endorsement: args.endorsement,
    batch: args.batch,
    custody: args.custody,
    concurrency: args.concurrency,
    mode: args.mode,
    commitTracking: args.commitTracking ?? '',
    ordering: args.ordering ?? '',
    gatewaySlots,
    payments: { attempted: load.attempted, committed: load.committed, failed: load.failed },
    committedPerSecond: round(load.wallSeconds > 0 ? load.committed / load.wallSeconds : 0, 1),
    latencyMs: summarize(load.latenciesMs),
    conflicts: {
      seenAtCommit: args.conflictRetries + load.conflictsToCallers,
      retriedByClient: args.conflictRetries,
      reachedCallers: load.conflictsToCallers,
    },
    clientRetries: args.clientRetries,
    errors: load.errors,
    errorSamples: load.errorSamples,
    wallSeconds: round(load.wallSeconds, 2),
    stoppedByTimeCap: load.stoppedByTimeCap,
    cpu: { ...cpu, msPerCommittedPayment: perPayment, capacityEstimatePerSecond: capacity },
    chaincodeCpu: {
      endorsingPeersPerPayment: endorsers,
      msPerExecution: chaincodeMsPerExecution(cpu.seconds.chaincode, load.committed * endorsers),
    },
  };
}

export function machineInfo(): Record<string, unknown> {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    node: process.version,
    shared: 'other engineers run live test networks on this machine at the same time; see cpu.otherOnMachine',
  };
}

/** The process group that spent the most CPU per committed payment in a run. */
export function biggestSpender(run: RunReport): { group: string; share: number; msPerPayment: number } {
  const entries = Object.entries(run.cpu.msPerCommittedPayment)
    .filter(([k]) => k !== 'total')
    .sort((a, b) => b[1] - a[1]);
  const [group, ms] = entries[0] ?? ['none', 0];
  const share = run.cpu.shareOfBusy[group as keyof CpuReport['shareOfBusy']] ?? 0;
  return { group, share, msPerPayment: ms };
}

export function find(runs: readonly RunReport[], pred: (r: RunReport) => boolean): RunReport | undefined {
  return runs.find(pred);
}

export { ratio };

/** A fixed-width table of the runs, for humans (stderr). */
export function table(runs: readonly RunReport[]): string {
  const head = [
    'run',
    'committed/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'ok/fail',
    'conflicts seen/to callers',
    'cpu s ord/peer/cc/client/other',
    'cpu ms/payment',
    'cc ms/exec',
    'client cpu ms/payment',
    'slot ms/payment',
    'mean slots held',
    'capacity/s',
  ];
  const rows = runs.map((r) => [
    r.label,
    r.committedPerSecond.toFixed(1),
    r.latencyMs.p50.toFixed(0),
    r.latencyMs.p95.toFixed(0),
    r.latencyMs.p99.toFixed(0),
    `${r.payments.committed}/${r.payments.failed}`,
    `${r.conflicts.seenAtCommit}/${r.conflicts.reachedCallers}`,
    [
      r.cpu.seconds.orderers,
      r.cpu.seconds.peers,
      r.cpu.seconds.chaincode,
      r.cpu.seconds.client,
      r.cpu.seconds.otherOnMachine,
    ]
      .map((s) => s.toFixed(1))
      .join('/'),
    (r.cpu.msPerCommittedPayment.total ?? 0).toFixed(1),
    r.chaincodeCpu.msPerExecution.toFixed(2),
    (r.cpu.msPerCommittedPayment.client ?? 0).toFixed(2),
    r.gatewaySlots ? r.gatewaySlots.slotMsPerPayment.toFixed(0) : '-',
    r.gatewaySlots ? r.gatewaySlots.meanSlotsHeld.toFixed(1) : '-',
    r.cpu.capacityEstimatePerSecond.toFixed(0),
  ]);
  return formatTable(head, rows);
}

/** Cells in columns: the first left-aligned, the others right-aligned (numbers). */
export function formatTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n');
}
