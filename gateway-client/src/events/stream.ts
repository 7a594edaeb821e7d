/**
 * A chaincode event stream with a persistent checkpoint and reconnection.
 *
 * fabric-gateway's stream ends with an error when the peer goes away and
 * never reconnects. This wrapper reopens it (on another endpoint if the
 * pool has one) from the checkpoint, which is advanced only after the
 * handler has finished with an event. The peer resumes "after transaction
 * X in block N", so after a disconnect or a process restart the handler
 * sees every event once, in order.
 *
 * Without a checkpoint position or a start block, fabric-gateway asks for
 * "next commit", which a reconnect would ask for again, skipping whatever
 * committed while the stream was down. So the first connection pins the
 * start: the ledger height read from the peer (ledger-height.ts), recorded
 * in the checkpointer as its position. From then on every (re)connection
 * resumes from the checkpoint: after the last handled event, or at the
 * pinned block if there was none. Events the peer sends again anyway are
 * dropped (delivered.ts), so within one process the handler never sees an
 * event twice.
 *
 * Failures the peer reports about the request itself (permission, unknown
 * channel, a start block it cannot serve: see failure.ts) end the stream and
 * reject `done` with EventStreamFatalError; everything else reconnects with
 * backoff.
 *
 * One caveat, inherent to any checkpoint stored apart from the handler's own
 * effects: if the process dies after the handler finished but before the
 * checkpoint was written, that one event is delivered again on restart.
 * Handlers that change state should be idempotent (e.g. keyed by
 * transaction ID).
 */
import {
  checkpointers,
  GatewayError,
  type ChaincodeEvent,
  type Checkpointer,
} from '@hyperledger/fabric-gateway';
import type { Logger } from '../logger';
import type { ConnectionPool } from '../pool/pool';
import { backoffMs } from '../retry/policy';
import { DeliveredEvents } from './delivered';
import { EventHandlerError, EventStreamFatalError } from './errors';
import { classifyStreamFailure } from './failure';
import { ledgerHeight } from './ledger-height';

export type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
export { EventHandlerError, EventStreamFatalError } from './errors';

/** How long reading the ledger height (to pin the start) may take before it counts as a failed attempt. */
const PIN_TIMEOUT_MS = 10_000;

export interface ChaincodeEventStreamOptions {
  readonly chaincode: string;
  /** Called for each event, in order; the next event waits for it to finish. */
  readonly handler: (event: ChaincodeEvent) => void | Promise<void>;
  /**
   * Where progress is kept: a file path (fabric-gateway's file checkpointer)
   * or any Checkpointer. Without one, progress lives in memory only
   * (reconnects resume, restarts do not). When it holds no position, the
   * stream writes its start block into it on first connecting.
   */
  readonly checkpoint?: string | Checkpointer;
  /**
   * Block to start from when the checkpoint is empty (default: the ledger
   * height when the stream first connects, i.e. the next block committed).
   */
  readonly startBlock?: bigint;
  /** Reconnect backoff (full jitter). */
  readonly reconnectBackoffMs?: { readonly base: number; readonly max: number };
}

/** Counters for inspection. */
export interface ChaincodeEventStreamStats {
  readonly handled: number;
  readonly reconnects: number;
  /** Events the peer sent again after a reconnect, dropped before the handler. */
  readonly replaysDropped: number;
  readonly endpoint?: string;
  /**
   * The block the stream started from (the checkpoint's, the startBlock
   * option, or the pinned ledger height), once the first connection fixed it.
   * Every event from this block on reaches the handler.
   */
  readonly startBlock?: bigint;
  readonly lastBlock?: bigint;
  readonly lastTransactionId?: string;
}

type MutableStats = { -readonly [K in keyof ChaincodeEventStreamStats]: ChaincodeEventStreamStats[K] };

export class ChaincodeEventStream {
  private stopped = false;
  private current: { close(): void } | undefined;
  private wakeSleep: (() => void) | undefined;
  private signalStop: () => void = () => undefined;
  /** Resolves on stop(): waits that cannot be cancelled (reading the height) race it. */
  private readonly stopSignal = new Promise<void>((resolve) => (this.signalStop = resolve));
  private _stats: MutableStats = { handled: 0, reconnects: 0, replaysDropped: 0 };
  /**
   * Settles when the stream stops: resolves after stop(); rejects with
   * EventHandlerError when the handler throws, or EventStreamFatalError when
   * reconnecting cannot help.
   */
  readonly done: Promise<void>;

  /** Use `client.chaincodeEvents()`. */
  constructor(
    private readonly pool: ConnectionPool,
    private readonly channel: string,
    private readonly options: ChaincodeEventStreamOptions,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.done = this.run();
    // Callers that only use stop() should not get an unhandled rejection warning.
    this.done.catch(() => undefined);
  }

  get stats(): ChaincodeEventStreamStats {
    return { ...this._stats };
  }

  /** Stops the stream and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    this.current?.close();
    this.wakeSleep?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { checkpoint, chaincode } = this.options;
    const checkpointer: Checkpointer =
      typeof checkpoint === 'string'
        ? await checkpointers.file(checkpoint)
        : (checkpoint ?? checkpointers.inMemory());
    const limits = this.options.reconnectBackoffMs ?? { base: 100, max: 5_000 };
    const delivered = new DeliveredEvents();
    let failures = 0;
    let exclude = new Set<string>();
    let first = true;
    while (!this.stopped) {
      if (!first) {
        this._stats.reconnects++;
        await this.sleep(backoffMs(failures, limits, this.random));
        if (this.stopped) break;
      }
      first = false;
      const picked = this.pool.pickGateway(exclude);
      if (!picked) {
        failures++;
        continue;
      }
      this._stats.endpoint = picked.endpoint;
      try {
        const startBlock =
          this._stats.startBlock ??
          (await Promise.race([this.pinStart(picked.gateway, checkpointer), this.stopSignal]));
        if (this.stopped || startBlock === undefined) break;
        delivered.startAt(startBlock);
        // fabric-gateway ignores startBlock once the checkpointer has a position; it only
        // matters if the checkpointer could not record the pinned block.
        const events = await picked.gateway
          .getNetwork(this.channel)
          .getChaincodeEvents(chaincode, { checkpoint: checkpointer, startBlock });
        this.current = events;
        if (this.stopped) events.close();
        for await (const event of events) {
          if (this.stopped) break;
          if (delivered.isReplay(event)) {
            this._stats.replaysDropped++;
            continue;
          }
          try {
            await this.options.handler(event);
          } catch (cause) {
            throw new EventHandlerError(event, { cause });
          }
          await checkpointer.checkpointChaincodeEvent(event);
          delivered.record(event);
          this._stats.handled++;
          this._stats.lastBlock = event.blockNumber;
          this._stats.lastTransactionId = event.transactionId;
          failures = 0;
          exclude = new Set();
        }
        // The peer ended the stream without an error: reconnect like after one, with backoff.
        failures++;
      } catch (err) {
        if (err instanceof EventHandlerError) throw err;
        if (this.stopped) break;
        const failure = classifyStreamFailure(err);
        const error = err instanceof GatewayError || err instanceof Error ? err.message : String(err);
        if (failure.fatal) {
          this.logger.error(
            { endpoint: picked.endpoint, reason: failure.reason, error },
            'chaincode event stream failed; not reconnecting',
          );
          throw new EventStreamFatalError(
            failure.grpcCode,
            failure.reason,
            picked.endpoint,
            `chaincode event stream for ${chaincode} on ${this.channel} ended (${failure.reason}): ${error}`,
            { cause: err },
          );
        }
        failures++;
        if (failure.endpointFault) this.pool.reportFailure(picked.endpoint, err);
        exclude = new Set([picked.endpoint]);
        this.logger.warn(
          { endpoint: picked.endpoint, reason: failure.reason, error },
          'chaincode event stream interrupted; reconnecting from checkpoint',
        );
      } finally {
        this.current?.close();
        this.current = undefined;
      }
    }
  }

  /**
   * Fixes the block the stream starts from, once: the checkpoint's position,
   * else the startBlock option, else the peer's ledger height, which is then
   * recorded in the checkpointer so that every reconnect (and, with a file
   * checkpoint, a restart) resumes there rather than at "next commit".
   */
  private async pinStart(
    gateway: Parameters<typeof ledgerHeight>[0],
    checkpointer: Checkpointer,
  ): Promise<bigint> {
    let start = checkpointer.getBlockNumber() ?? this.options.startBlock;
    if (start === undefined) {
      start = await ledgerHeight(gateway, this.channel, PIN_TIMEOUT_MS);
      // Stopped meanwhile: the checkpoint may already belong to a newer stream on the same file.
      if (this.stopped) return start;
      // checkpointBlock(n) means "resume at n + 1"; a height is never 0 (the genesis block).
      if (start > 0n) await checkpointer.checkpointBlock(start - 1n);
    }
    this._stats.startBlock = start;
    return start;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}
