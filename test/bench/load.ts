/**
 * The load loop shared by every client configuration, bounded in count and in time:
 * `workers` mode keeps `concurrency` payments in flight (closed loop); `waves` mode is the naive
 * pattern `await Promise.all(batch)` over batches of `concurrency`; `concurrency: 1` in either mode
 * is one payment after another. No new payment starts after the time cap; payments already in
 * flight finish (each is bounded by its client's deadlines).
 */
import type { PaymentSpec } from './workloads';

/** What one payment attempt ended as. */
export type Outcome = { ok: true } | { ok: false; kind: 'conflict' | 'error'; code: string; detail?: string };

/** A client configuration under test. */
export interface PaymentSubmitter {
  readonly name: string;
  /** Submits a payment and waits for its commit. Never throws: classifies failures instead. */
  pay(p: PaymentSpec): Promise<Outcome>;
  /** Conflicts (MVCC/phantom) the client saw at commit and retried itself, so far. */
  conflictRetries(): Promise<number>;
  /** Every retry the client made itself so far, by `stage/reason` (empty for clients without retries). */
  retryCounts(): Promise<Record<string, number>>;
  /**
   * Gateway slots held so far: seconds of pool slots (one per stage call in flight: Evaluate,
   * Endorse, Submit, CommitStatus) summed over calls, with the commits learned per source and the
   * block-event streams open. Undefined for clients that do not keep these figures.
   */
  slots?(): Promise<SlotUsage>;
  close(): Promise<void>;
}

export interface SlotUsage {
  /** Slot-seconds summed over every stage call, and those of CommitStatus calls alone. */
  readonly slotSeconds: number;
  readonly commitStatusSlotSeconds: number;
  /** Commits learned from the block-event stream, and from CommitStatus calls. */
  readonly commitsViaStream: number;
  readonly commitsViaStatus: number;
  /** Block-event streams this client holds open (each on one peer, outside the gateway slots). */
  readonly streamsOpen: number;
}

export interface LoadOptions {
  count: number;
  concurrency: number;
  timeCapMs: number;
  mode: 'workers' | 'waves';
}

export interface LoadResult {
  attempted: number;
  committed: number;
  failed: number;
  conflictsToCallers: number;
  errors: Record<string, number>;
  /** One message per error code, for diagnosis. */
  errorSamples: Record<string, string>;
  latenciesMs: number[];
  wallSeconds: number;
  stoppedByTimeCap: boolean;
}

/**
 * Runs `opts.count` requests of `workload` through `submitter`. Generic in the request so other
 * units of work (a payBatch batch) share the same bounded loop; a payment by default.
 */
export async function runLoad<R = PaymentSpec>(
  submitter: { pay(request: R): Promise<Outcome> },
  workload: { payment(i: number): R },
  opts: LoadOptions,
): Promise<LoadResult> {
  const result: LoadResult = {
    attempted: 0,
    committed: 0,
    failed: 0,
    conflictsToCallers: 0,
    errors: {},
    errorSamples: {},
    latenciesMs: [],
    wallSeconds: 0,
    stoppedByTimeCap: false,
  };
  const started = performance.now();
  const deadline = started + opts.timeCapMs;
  let next = 0;
  const take = (): number | undefined => {
    if (next >= opts.count) return undefined;
    if (performance.now() >= deadline) {
      result.stoppedByTimeCap = true;
      return undefined;
    }
    return next++;
  };
  const one = async (i: number): Promise<void> => {
    const p = workload.payment(i);
    result.attempted++;
    const t = performance.now();
    const outcome = await submitter.pay(p);
    if (outcome.ok) {
      result.committed++;
      result.latenciesMs.push(performance.now() - t);
      return;
    }
    result.failed++;
    if (outcome.kind === 'conflict') result.conflictsToCallers++;
    result.errors[outcome.code] = (result.errors[outcome.code] ?? 0) + 1;
    if (outcome.detail && !(outcome.code in result.errorSamples))
      result.errorSamples[outcome.code] = outcome.detail.slice(0, 600);
  };
  if (opts.mode === 'workers') {
    const worker = async (): Promise<void> => {
      for (let i = take(); i !== undefined; i = take()) await one(i);
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } else {
    for (;;) {
      const batch: number[] = [];
      for (let k = 0; k < opts.concurrency; k++) {
        const i = take();
        if (i === undefined) break;
        batch.push(i);
      }
      if (batch.length === 0) break;
      await Promise.all(batch.map(one));
    }
  }
  result.wallSeconds = (performance.now() - started) / 1000;
  return result;
}
