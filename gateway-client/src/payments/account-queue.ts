/**
 * Per-account ordering of debits.
 *
 * Two transactions that debit the same account read and write the same
 * balance key; endorsed concurrently, all but one of them commit
 * MVCC_READ_CONFLICT and have to be endorsed again. A caller that fires many
 * payments from one account therefore gets conflicts, retries and, beyond the
 * conflict-retry budget, failures. Sending them one after another costs one
 * commit of latency per queued call but no wasted endorsements, and is what a
 * payer's own sequence of payments means anyway.
 *
 * A sharded account (chaincode README "Hot payers") has N balance keys: N
 * debits, each on its own shard, share no key. Such an account gets N
 * *slots*: up to N calls run at once, each told its slot, which the caller
 * sends as the debit's shard hint, so no two calls in flight use one shard.
 */
import { QueueFullError } from '../errors';

/** How {@link AccountQueue} orders calls. */
export interface AccountOrderingOptions {
  /** Calls per account that may wait for a free slot (default 1000); more are refused. */
  readonly maxQueuedPerAccount?: number;
  /**
   * Most debits of one sharded account in flight at once (default 64, the most shards an account
   * may have); an account of N shards runs at most min(N, this).
   */
  readonly maxConcurrentPerAccount?: number;
  /**
   * Shard counts of sharded accounts known in advance (accountId → shards). PaymentsClient also
   * learns them from openAccount, getAccount and getShards results; an account it knows nothing
   * about is treated as one balance (one debit at a time).
   */
  readonly accountShards?: Readonly<Record<string, number>>;
}

export const DEFAULT_MAX_QUEUED_PER_ACCOUNT = 1000;
export const DEFAULT_MAX_CONCURRENT_PER_ACCOUNT = 64;

interface Waiting {
  readonly width: number;
  readonly start: (slot: number) => void;
}

interface Lane {
  /** Slots with a call running. */
  readonly busy: Set<number>;
  /** Calls waiting for a slot, in call order. */
  readonly waiting: Waiting[];
}

/** The lowest slot below `width` that no call is using, if any. */
function freeSlot(lane: Lane, width: number): number | undefined {
  for (let s = 0; s < width; s++) {
    if (!lane.busy.has(s)) return s;
  }
  return undefined;
}

/**
 * Runs calls keyed by account, at most `width` at a time per account (one
 * per slot), starting them in the order they were queued; calls on
 * different accounts run concurrently. A call's failure does not stop the
 * calls queued behind it.
 */
export class AccountQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly maxQueued: number;

  constructor(options: AccountOrderingOptions = {}) {
    const max = options.maxQueuedPerAccount ?? DEFAULT_MAX_QUEUED_PER_ACCOUNT;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`maxQueuedPerAccount must be a whole number >= 0, got ${String(max)}`);
    }
    this.maxQueued = max;
  }

  /**
   * Runs `call(slot)` once a slot below `width` (default 1: one call at a
   * time) is free on `account` and every earlier call on it has started.
   * Refuses with {@link QueueFullError} (before `call` runs, so nothing was
   * sent) when `maxQueuedPerAccount` calls already wait on that account.
   */
  run<T>(account: string, call: (slot: number) => Promise<T>, width = 1): Promise<T> {
    const lane: Lane = this.lanes.get(account) ?? { busy: new Set(), waiting: [] };
    const slot = lane.waiting.length === 0 ? freeSlot(lane, width) : undefined;
    if (slot === undefined && lane.waiting.length >= this.maxQueued) {
      return Promise.reject(new QueueFullError(lane.waiting.length));
    }
    this.lanes.set(account, lane);
    return new Promise<T>((resolve, reject) => {
      const start = (s: number): void => {
        lane.busy.add(s);
        let result: Promise<T>;
        try {
          result = call(s);
        } catch (err) {
          result = Promise.reject(err);
        }
        const done = (): void => {
          lane.busy.delete(s);
          this.next(account, lane);
        };
        result.then(
          (v) => (done(), resolve(v)),
          (e: unknown) => (done(), reject(e)),
        );
      };
      // An idle slot's call starts now, not a microtask later: the caller (and the pool's
      // active-request count) sees it in flight as soon as it was made, as without ordering.
      if (slot !== undefined) start(slot);
      else lane.waiting.push({ width, start });
    });
  }

  /** Starts waiting calls, in order, while the first of them has a free slot. */
  private next(account: string, lane: Lane): void {
    for (;;) {
      const first = lane.waiting[0];
      const slot = first ? freeSlot(lane, first.width) : undefined;
      if (!first || slot === undefined) break;
      lane.waiting.shift();
      first.start(slot);
    }
    if (lane.busy.size === 0 && lane.waiting.length === 0 && this.lanes.get(account) === lane) {
      this.lanes.delete(account);
    }
  }

  /** Calls queued or running on `account` (0 when idle). */
  depth(account: string): number {
    const lane = this.lanes.get(account);
    return lane ? lane.busy.size + lane.waiting.length : 0;
  }

  /** Accounts with calls queued or running. */
  get activeAccounts(): number {
    return this.lanes.size;
  }
}
