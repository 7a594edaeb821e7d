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
 */
import { QueueFullError } from '../errors';

/** How {@link AccountQueue} orders calls. */
export interface AccountOrderingOptions {
  /** Calls per account that may wait behind the one in progress (default 1000); more are refused. */
  readonly maxQueuedPerAccount?: number;
}

export const DEFAULT_MAX_QUEUED_PER_ACCOUNT = 1000;

interface Lane {
  /** Settles when the last call queued on this account has finished. */
  tail: Promise<unknown>;
  /** Calls queued or running on this account. */
  size: number;
}

/**
 * Runs calls keyed by account one at a time per account, in the order they
 * were queued; calls on different accounts run concurrently. A call's failure
 * does not stop the calls queued behind it.
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
   * Runs `call` once every earlier call on `account` has finished. Refuses
   * with {@link QueueFullError} (before `call` runs, so nothing was sent)
   * when `maxQueuedPerAccount` calls already wait on that account.
   */
  run<T>(account: string, call: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(account);
    // `size` counts the running call too: waiting = size - 1.
    if (lane && lane.size - 1 >= this.maxQueued) {
      return Promise.reject(new QueueFullError(lane.size - 1));
    }
    const current: Lane = lane ?? { tail: Promise.resolve(), size: 0 };
    current.size++;
    // An idle account's call starts now, not a microtask later: the caller (and the pool's
    // active-request count) sees it in flight as soon as it was made, as without ordering.
    const result = lane ? current.tail.then(call) : new Promise<T>((resolve) => resolve(call()));
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    current.tail = done;
    this.lanes.set(account, current);
    void done.then(() => {
      current.size--;
      if (current.size === 0 && this.lanes.get(account) === current) this.lanes.delete(account);
    });
    return result;
  }

  /** Calls queued or running on `account` (0 when idle). */
  depth(account: string): number {
    return this.lanes.get(account)?.size ?? 0;
  }

  /** Accounts with calls queued or running. */
  get activeAccounts(): number {
    return this.lanes.size;
  }
}
