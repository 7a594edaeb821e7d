/**
 * Commit tracking over one block-event stream per channel, instead of one
 * CommitStatus call per transaction.
 *
 * A CommitStatus call holds one of the peer's gateway slots (its
 * concurrency limit counts calls) and a pool slot for the whole wait, and
 * costs a signed request and a response per transaction. A filtered block
 * stream (peer Deliver service, `DeliverFiltered`) carries every
 * transaction ID of each block with its validation code, so one stream per
 * channel answers every waiter of this client.
 *
 * The rules that keep it exact:
 *
 * - A submit registers its transaction ID before the first send, and only
 *   while the stream's position is known (`open`): the stream then delivers
 *   every block from one the transaction cannot have committed before. On
 *   first use the stream starts at the ledger height (the next block to
 *   commit); the submits that started it, and any before its first block
 *   arrives, use CommitStatus: a transaction sent after block N committed
 *   can only commit in a block after N.
 * - The stream reconnects (another endpoint if there is one) from the block
 *   after the last one seen. If the first block it then delivers is later
 *   than that (a gap it cannot cover), every current waiter falls back to
 *   CommitStatus.
 * - A waiter falls back as well when its wait passes the threshold it gives,
 *   when the stream cannot be reopened (`maxReconnectFailures` in a row: it
 *   is `down`, and new submits use CommitStatus until it delivers again), or
 *   when the tracker closes.
 * - Nothing here ever says "failed": a waiter only ever gets a commit it saw
 *   or a reason to ask CommitStatus (outcomes.ts decides the rest).
 * - Stream failures never count against an endpoint's health: the stream is
 *   a long wait, and the pool judges peers by their connections.
 *
 * The first occurrence of a transaction ID in the chain is its commit (later
 * copies of the same envelope are marked DUPLICATE_TXID); a waiter is
 * removed when it gets its answer, so later copies are ignored.
 */
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';
import type { Logger } from '../logger';
import type { ClientMetrics } from '../metrics';
import type { ConnectionPool } from '../pool/pool';
import { classify } from '../retry/classify';
import { backoffMs } from '../retry/policy';

/** Why a waiter should ask CommitStatus instead. */
export type FallbackReason =
  /** Not committed on the stream within the waiter's threshold. */
  | 'timeout'
  /** The stream resumed past blocks it never delivered. */
  | 'gap'
  /** The stream could not be reopened. */
  | 'down'
  /** The client is closing. */
  | 'closed';

/** What a wait on the stream ended with. */
export type CommitWait =
  | { readonly kind: 'committed'; readonly status: Status }
  | { readonly kind: 'fallback'; readonly reason: FallbackReason };

/** One registered transaction ID. */
export interface CommitWaiter {
  readonly transactionId: string;
  /**
   * Resolves with the commit seen on the stream (even one seen before this
   * call), or a reason to ask CommitStatus instead. Never rejects.
   */
  wait(timeoutMs: number): Promise<CommitWait>;
  /** Stops tracking the transaction ID (idempotent). */
  cancel(): void;
}

/** Tunables of the tracker. */
export interface CommitTrackerOptions {
  /** Backoff between reconnects (full jitter). */
  readonly reconnectBackoffMs: { readonly base: number; readonly max: number };
  /** Failed (re)connects in a row after which the stream counts as down. */
  readonly maxReconnectFailures: number;
}

export const DEFAULT_COMMIT_TRACKER_OPTIONS: CommitTrackerOptions = {
  reconnectBackoffMs: { base: 50, max: 5_000 },
  maxReconnectFailures: 3,
};

/** Snapshot for tests and status pages. */
export interface CommitTrackerStatus {
  readonly state: TrackerState;
  /** The next block the stream expects. */
  readonly nextBlock?: bigint;
  readonly endpoint?: string;
  readonly waiters: number;
  readonly connects: number;
  readonly blocks: number;
}

type TrackerState = 'idle' | 'starting' | 'open' | 'down' | 'closed';

interface Entry {
  readonly settle: (result: CommitWait) => void;
  readonly result: Promise<CommitWait>;
}

export class CommitTracker {
  private state: TrackerState = 'idle';
  private next: bigint | undefined;
  private readonly waiters = new Map<string, Entry>();
  private current: { close(): void } | undefined;
  private endpoint: string | undefined;
  private failures = 0;
  private connects = 0;
  private blocks = 0;
  private wakeSleep: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly channel: string,
    private readonly metrics: ClientMetrics,
    private readonly logger: Logger,
    private readonly options: CommitTrackerOptions = DEFAULT_COMMIT_TRACKER_OPTIONS,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Registers a transaction ID before its envelope is first sent. Undefined
   * when the stream cannot cover it (not started yet, down, closed): use
   * CommitStatus. The first call starts the stream.
   */
  register(transactionId: string): CommitWaiter | undefined {
    if (this.state === 'idle') {
      this.state = 'starting';
      this.loop = this.run();
    }
    if (this.state !== 'open' || this.waiters.has(transactionId)) return undefined;
    let settle!: (result: CommitWait) => void;
    const result = new Promise<CommitWait>((resolve) => {
      settle = resolve;
    });
    this.waiters.set(transactionId, { settle, result });
    return {
      transactionId,
      wait: (timeoutMs) => this.wait(transactionId, result, timeoutMs),
      cancel: () => {
        const entry = this.waiters.get(transactionId);
        if (entry?.result === result) this.waiters.delete(transactionId);
      },
    };
  }

  status(): CommitTrackerStatus {
    return {
      state: this.state,
      ...(this.next !== undefined ? { nextBlock: this.next } : {}),
      ...(this.endpoint !== undefined ? { endpoint: this.endpoint } : {}),
      waiters: this.waiters.size,
      connects: this.connects,
      blocks: this.blocks,
    };
  }

  /** Closes the stream; current waiters fall back (reason `closed`). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.current?.close();
    this.wakeSleep?.();
    this.fallBack('closed');
    await this.loop;
  }

  private wait(transactionId: string, result: Promise<CommitWait>, timeoutMs: number): Promise<CommitWait> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CommitWait>((resolve) => {
      timer = setTimeout(() => {
        const entry = this.waiters.get(transactionId);
        if (entry?.result === result) this.waiters.delete(transactionId);
        resolve({ kind: 'fallback', reason: 'timeout' });
      }, timeoutMs);
    });
    return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
  }

  private async run(): Promise<void> {
    let exclude = new Set<string>();
    while (this.isRunning()) {
      if (this.failures > 0) {
        await this.sleep(backoffMs(this.failures - 1, this.options.reconnectBackoffMs, this.random));
        if (!this.isRunning()) break;
      }
      const picked = this.pool.pickGateway(exclude);
      if (!picked) {
        this.failed(undefined, new Error('no usable endpoint for the block event stream'));
        continue;
      }
      this.endpoint = picked.endpoint;
      this.connects++;
      try {
        const blocks = await picked.gateway
          .getNetwork(this.channel)
          .getFilteredBlockEvents(this.next !== undefined ? { startBlock: this.next } : {});
        this.current = blocks;
        if (!this.isRunning()) blocks.close();
        for await (const block of blocks) {
          this.onBlock(block);
          this.failures = 0;
          exclude = new Set();
        }
        throw new Error('block event stream ended');
      } catch (err) {
        if (!this.isRunning()) break;
        this.failed(picked.endpoint, err);
        exclude = new Set([picked.endpoint]);
      } finally {
        this.current = undefined;
      }
    }
  }

  private isRunning(): boolean {
    return this.state !== 'closed';
  }

  private onBlock(block: peer.FilteredBlock): void {
    const number = BigInt(block.getNumber());
    if (this.next !== undefined && number < this.next) return; // delivered before; resumed early
    if (this.next !== undefined && number > this.next) {
      this.logger.warn(
        { expected: this.next, got: number, endpoint: this.endpoint },
        'block event stream resumed past undelivered blocks; waiters fall back to CommitStatus',
      );
      this.fallBack('gap');
    }
    this.next = number + 1n;
    this.blocks++;
    if (this.state !== 'open' && this.state !== 'closed') {
      this.logger.info({ nextBlock: this.next, endpoint: this.endpoint }, 'commit tracking stream open');
      this.state = 'open';
    }
    if (this.waiters.size === 0) return;
    for (const tx of block.getFilteredTransactionsList()) {
      const transactionId = tx.getTxid();
      const entry = this.waiters.get(transactionId);
      if (!entry) continue;
      this.waiters.delete(transactionId);
      const code = tx.getTxValidationCode();
      entry.settle({
        kind: 'committed',
        status: { blockNumber: number, code, successful: code === StatusCode.VALID, transactionId },
      });
    }
  }

  private failed(endpoint: string | undefined, error: unknown): void {
    this.failures++;
    this.metrics.commitStreamReconnects.inc();
    const failure = classify(error);
    this.logger.warn(
      {
        endpoint,
        reason: failure.reason,
        failures: this.failures,
        error: error instanceof Error ? error.message : String(error),
      },
      'commit tracking stream interrupted; reconnecting',
    );
    if (this.state === 'open' && this.failures >= this.options.maxReconnectFailures) {
      this.state = 'down';
      this.fallBack('down');
    }
  }

  private fallBack(reason: FallbackReason): void {
    const entries = [...this.waiters.values()];
    this.waiters.clear();
    for (const entry of entries) entry.settle({ kind: 'fallback', reason });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}
