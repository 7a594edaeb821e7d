/**
 * Errors that end a chaincode event stream (they reject its `done`).
 */
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { FabpayError } from '../errors';

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

/**
 * Raised through `done` when reconnecting cannot help: the peer refused the
 * request itself (permission, unknown channel, bad request, start block it
 * cannot serve), or the checkpoint could not be read or written. Events
 * handled before it are checkpointed; nothing after it is delivered.
 */
export class EventStreamFatalError extends FabpayError {
  constructor(
    /** gRPC status name (e.g. `PERMISSION_DENIED`); undefined when the failure was not the peer's. */
    readonly grpcCode: string | undefined,
    /** Short reason label, as in logs (e.g. `permission_denied`, `start_block_unavailable`). */
    readonly reason: string,
    /** Endpoint name the failing call went to, when there was one. */
    readonly endpoint: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('EVENT_STREAM_FATAL', message, options);
  }
}
