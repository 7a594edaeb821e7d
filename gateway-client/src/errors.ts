/**
 * Typed errors returned by the client. Every error has a stable string
 * `code` so callers (and the CLI's --json output) can switch on it without
 * parsing messages.
 */

/** Options every error takes. */
export interface FabpayErrorOptions {
  readonly cause?: unknown;
  /** The transaction the failed request had created, if any. */
  readonly transactionId?: string;
}

/** Base class of every error this library throws on purpose. */
export class FabpayError extends Error {
  /**
   * The transaction ID, once the request had one (a submit has one from its
   * first proposal on). Set on every error a submit raises after that point.
   */
  transactionId?: string;

  constructor(
    /** Stable machine-readable code. */
    readonly code: string,
    message: string,
    options?: FabpayErrorOptions,
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }
}

/** The request queue is full: back off and retry later (backpressure). */
export class QueueFullError extends FabpayError {
  constructor(readonly queueLength: number) {
    super('QUEUE_FULL', `request queue is full (${queueLength} waiting); retry later`);
  }
}

/** A stage or the overall deadline passed before the request finished. */
export class DeadlineExceededError extends FabpayError {
  constructor(
    readonly stage: string,
    message: string,
    options?: FabpayErrorOptions,
  ) {
    super('DEADLINE_EXCEEDED', message, options);
    if (options?.transactionId) this.transactionId = options.transactionId;
  }
}

/** The client is closing or closed and takes no new work. */
export class ClientClosedError extends FabpayError {
  constructor() {
    super('CLIENT_CLOSED', 'client is closed');
  }
}

/** Every endpoint failed (or was ejected) for a request that was safe to retry. */
export class EndpointsUnavailableError extends FabpayError {
  constructor(
    readonly stage: string,
    message: string,
    options?: FabpayErrorOptions,
  ) {
    super('ENDPOINTS_UNAVAILABLE', message, options);
    if (options?.transactionId) this.transactionId = options.transactionId;
  }
}

/**
 * The chaincode rejected the transaction. Never retried: the same input
 * would be rejected again. `chaincodeCode` is the stable code the chaincode
 * put at the start of its message (e.g. `INSUFFICIENT_FUNDS`).
 */
export class ChaincodeError extends FabpayError {
  constructor(
    readonly chaincodeCode: string,
    readonly chaincodeMessage: string,
    override readonly transactionId?: string,
    options?: { cause?: unknown },
  ) {
    super('CHAINCODE_ERROR', `${chaincodeCode}: ${chaincodeMessage}`, options);
  }
}

/** The transaction was committed but marked invalid (e.g. endorsement policy failure). */
export class TransactionInvalidError extends FabpayError {
  constructor(
    /** Fabric validation code name, e.g. `MVCC_READ_CONFLICT`. */
    readonly validationCode: string,
    override readonly transactionId: string,
    readonly blockNumber: bigint,
    message?: string,
  ) {
    super(
      'TRANSACTION_INVALID',
      message ??
        `transaction ${transactionId} committed in block ${blockNumber} as invalid: ${validationCode}`,
    );
  }
}

/**
 * The transaction may or may not have been committed: its envelope was
 * (possibly) handed to the orderer, and neither a commit status nor an
 * answer proving it was rejected arrived (see outcomes.ts for the rules).
 * Resolve it later with `client.resolve(transactionId)` (committed /
 * invalid / not found), or rely on the business idempotency key (payment
 * ID: `payments.resolvePayment`) and resubmit the payment.
 */
export class TransactionOutcomeUnknownError extends FabpayError {
  constructor(
    override readonly transactionId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('OUTCOME_UNKNOWN', message, options);
  }
}

/** A gateway error that is not retryable and not a chaincode rejection (e.g. PERMISSION_DENIED). */
export class GatewayRequestError extends FabpayError {
  constructor(
    readonly stage: string,
    /** gRPC status code name, e.g. `PERMISSION_DENIED`. */
    readonly grpcCode: string,
    message: string,
    readonly details: readonly { address: string; mspId: string; message: string }[] = [],
    options?: FabpayErrorOptions,
  ) {
    super('GATEWAY_ERROR', message, options);
    if (options?.transactionId) this.transactionId = options.transactionId;
  }
}

/**
 * The gateway refused an endorsement (the proposal was never endorsed, so
 * nothing was submitted): a definite failure. A chaincode's own rejection is
 * a {@link ChaincodeError} instead, and giving up after retries on every
 * endpoint an {@link EndpointsUnavailableError} or a
 * {@link DeadlineExceededError} with `stage` `endorse`. Like fabric-gateway's
 * EndorseError, it carries the proposal's transaction ID.
 */
export class EndorseError extends GatewayRequestError {
  constructor(
    grpcCode: string,
    message: string,
    details: readonly { address: string; mspId: string; message: string }[] = [],
    options?: FabpayErrorOptions,
  ) {
    super('endorse', grpcCode, message, details, options);
  }
}

/**
 * The gateway's Submit answer proves the envelope was not accepted for
 * ordering (outcomes.ts `provesNotAccepted`), and no earlier send of it may
 * have been: a definite failure, with the transaction ID. Any other Submit
 * failure, once a send has started, is a
 * {@link TransactionOutcomeUnknownError} (whose `cause` may be a
 * SubmitError).
 */
export class SubmitError extends GatewayRequestError {
  constructor(
    grpcCode: string,
    message: string,
    details: readonly { address: string; mspId: string; message: string }[] = [],
    options?: FabpayErrorOptions,
  ) {
    super('submit', grpcCode, message, details, options);
  }
}

/**
 * A CommitStatus call failed in a way that is not retried (e.g.
 * PERMISSION_DENIED). Thrown as is by `getTransactionStatus` and `resolve`;
 * inside a submit the envelope has already been sent, so the caller gets a
 * {@link TransactionOutcomeUnknownError} with this error as its `cause`.
 */
export class CommitStatusError extends GatewayRequestError {
  constructor(
    grpcCode: string,
    message: string,
    details: readonly { address: string; mspId: string; message: string }[] = [],
    options?: FabpayErrorOptions,
  ) {
    super('commitStatus', grpcCode, message, details, options);
  }
}
