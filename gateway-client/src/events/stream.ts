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
import { classify } from '../retry/classify';
import { backoffMs } from '../retry/policy';

export type { ChaincodeEvent } from '@hyperledger/fabric-gateway';

export interface ChaincodeEventStreamOptions {
  readonly chaincode: string;
  /** Called for each event, in order; the next event waits for it to finish. */
  readonly handler: (event: ChaincodeEvent) => void | Promise<void>;
  /**
   * Where progress is kept: a file path (fabric-gateway's file checkpointer)
   * or any Checkpointer. Without one, progress lives in memory only
   * (reconnects resume, restarts do not).
   */
  readonly checkpoint?: string | Checkpointer;
  /** Block to start from when the checkpoint is empty (default: the next block). */
  readonly startBlock?: bigint;
  /** Reconnect backoff (full jitter). */
  readonly reconnectBackoffMs?: { readonly base: number; readonly max: number };
}

/** Counters for inspection. */
export interface ChaincodeEventStreamStats {
  readonly handled: number;
  readonly reconnects: number;
  readonly endpoint?: string;
  readonly lastBlock?: bigint;
  readonly lastTransactionId?: string;
}

/** Raised through `done` when the handler throws; the event is not checkpointed. */
export class EventHandlerError extends Error {
  override readonly name = 'EventHandlerError';
  constructor(
    readonly event: ChaincodeEvent,
    options: { cause: unknown },
  ) {
    super(
      `chaincode event handler failed on ${event.eventName} (tx ${event.transactionId}): ${String(options.cause)}`,
      options,
    );
  }
}

export class ChaincodeEventStream {
  private stopped = false;
  private current: { close(): void } | undefined;
  private wakeSleep: (() => void) | undefined;
  private _stats: {
    handled: number;
    reconnects: number;
    endpoint?: string;
    lastBlock?: bigint;
    lastTransactionId?: string;
  } = { handled: 0, reconnects: 0 };
  /** Settles when the stream stops: resolves after stop(), rejects with EventHandlerError. */
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
    this.current?.close();
    this.wakeSleep?.();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { checkpoint } = this.options;
    const checkpointer: Checkpointer =
      typeof checkpoint === 'string'
        ? await checkpointers.file(checkpoint)
        : (checkpoint ?? checkpointers.inMemory());
    const limits = this.options.reconnectBackoffMs ?? { base: 100, max: 5_000 };
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
        const resumeFromCheckpoint = checkpointer.getBlockNumber() !== undefined;
        const events = await picked.gateway
          .getNetwork(this.channel)
          .getChaincodeEvents(this.options.chaincode, {
            checkpoint: checkpointer,
            ...(!resumeFromCheckpoint && this.options.startBlock !== undefined
              ? { startBlock: this.options.startBlock }
              : {}),
          });
        this.current = events;
        if (this.stopped) events.close();
        for await (const event of events) {
          if (this.stopped) break;
          try {
            await this.options.handler(event);
          } catch (cause) {
            events.close();
            throw new EventHandlerError(event, { cause });
          }
          await checkpointer.checkpointChaincodeEvent(event);
          this._stats.handled++;
          this._stats.lastBlock = event.blockNumber;
          this._stats.lastTransactionId = event.transactionId;
          failures = 0;
          exclude = new Set();
        }
      } catch (err) {
        if (err instanceof EventHandlerError) throw err;
        if (this.stopped) break;
        failures++;
        const failure = classify(err);
        if (failure.endpointFault) this.pool.reportFailure(picked.endpoint, err);
        exclude = new Set([picked.endpoint]);
        this.logger.warn(
          {
            endpoint: picked.endpoint,
            reason: failure.reason,
            error: err instanceof GatewayError ? err.message : String(err),
          },
          'chaincode event stream interrupted; reconnecting from checkpoint',
        );
      } finally {
        this.current = undefined;
      }
    }
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
