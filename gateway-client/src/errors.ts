/**
 * Typed errors returned by the client. Every error has a stable string
 * `code` so callers (and the CLI's --json output) can switch on it without
 * parsing messages.
 */

/** Base class of every error this library throws on purpose. */
export class FabpayError extends Error {
  constructor(
    /** Stable machine-readable code. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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
    options?: { cause?: unknown },
  ) {
    super('DEADLINE_EXCEEDED', message, options);
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
    options?: { cause?: unknown },
  ) {
    super('ENDPOINTS_UNAVAILABLE', message, options);
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
    readonly transactionId?: string,
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
    readonly transactionId: string,
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
 * The transaction may or may not have been committed: it was (possibly)
 * handed to the orderer, but no commit status arrived within the deadline.
 * Check later with `client.getTransactionStatus(transactionId)`, or rely on
 * the business idempotency key (payment ID) and resubmit the payment.
 */
export class TransactionOutcomeUnknownError extends FabpayError {
  constructor(
    readonly transactionId: string,
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
    options?: { cause?: unknown },
  ) {
    super('GATEWAY_ERROR', message, options);
  }
}
