/**
 * The outcome rules of a submit, in one place. The submit path (the stages
 * in stages/ and their orchestrator, transactions.ts) asks this module what
 * to tell the caller; nothing else decides between "failed" and "unknown".
 * A commit seen on the block-event stream (commits/) is as good as a commit
 * status; a stream failure is never a reason to say "failed": the submit
 * falls back to CommitStatus calls, and then to "unknown".
 *
 * A caller is told:
 *
 * - **done** (a `SubmitResult`) only for a transaction that committed VALID;
 * - **failed** (any `FabpayError` other than `TransactionOutcomeUnknownError`)
 *   only for what can never commit:
 *   - any failure before the first send of the envelope (queueing,
 *     endorsement, a chaincode rejection, a deadline before sending): nothing
 *     was handed to the orderer;
 *   - a commit status saying the transaction committed invalid
 *     (`TransactionInvalidError`): a transaction ID is committed at most once;
 *   - a Submit answer that proves the envelope was not accepted
 *     ({@link provesNotAccepted}), provided no earlier send of the same
 *     envelope may have been accepted;
 * - **unknown** (`TransactionOutcomeUnknownError`, carrying the transaction
 *   ID) otherwise: from the first send of an envelope on, any failure that
 *   does not prove the envelope was rejected, whether it is a timeout, a
 *   dropped connection, INTERNAL or UNKNOWN from the gateway, a lost commit
 *   status wait, or the client giving up on resends. Resolve it with
 *   `FabpayClient.resolve(transactionId)` (committed / invalid / not found),
 *   or by the payment ID (`PaymentsClient.resolvePayment`).
 *
 * Every error a submit raises carries the transaction ID once one exists
 * (`error.transactionId`), definite failures included.
 *
 * Resolving an unknown outcome ({@link resolution}): the commit status of
 * the transaction ID says `committed` (VALID, with its block), `invalid`
 * (committed with another validation code: it will never apply), or
 * `not-found` (not committed within the wait). A transaction ID is
 * committed at most once, so `committed` and `invalid` are final.
 * `not-found` is final only once no copy of the envelope can still be
 * ordered (the peer gateway's broadcast is bounded by its
 * BroadcastTimeout, and the orderer's queue drains within a few blocks);
 * before that, ask again, or use the payment ID, which makes resubmitting
 * the payment safe either way.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode, type Status } from '@hyperledger/fabric-gateway';
import {
  ChaincodeError,
  CommitStatusError,
  DeadlineExceededError,
  EndorseError,
  EndpointsUnavailableError,
  FabpayError,
  GatewayRequestError,
  SubmitError,
  TransactionOutcomeUnknownError,
} from './errors';
import type { Classification } from './retry/classify';
import type { Stage } from './retry/policy';

/** Name of a Fabric validation code. */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `CODE_${code}`;
}

const VALIDATION_CODE_NAMES = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [code as number, name]),
);

/** What the ledger says about a transaction ID (see `FabpayClient.resolve`). */
export type TransactionResolution =
  | {
      /** Committed VALID: its writes applied. */
      readonly state: 'committed';
      readonly transactionId: string;
      readonly validationCode: 'VALID';
      readonly blockNumber: bigint;
    }
  | {
      /** Committed with another validation code: it never applies. */
      readonly state: 'invalid';
      readonly transactionId: string;
      /** e.g. `MVCC_READ_CONFLICT`, `ENDORSEMENT_POLICY_FAILURE`, `DUPLICATE_TXID`. */
      readonly validationCode: string;
      readonly blockNumber: bigint;
    }
  | {
      /** Not committed within the wait (see the rules above for when this is final). */
      readonly state: 'not-found';
      readonly transactionId: string;
    };

/** The resolution of a transaction ID from its commit status (undefined: not committed within the wait). */
export function resolution(transactionId: string, status: Status | undefined): TransactionResolution {
  if (!status) return { state: 'not-found', transactionId };
  if (status.successful) {
    return { state: 'committed', transactionId, validationCode: 'VALID', blockNumber: status.blockNumber };
  }
  return {
    state: 'invalid',
    transactionId,
    validationCode: validationCodeName(status.code),
    blockNumber: status.blockNumber,
  };
}

/**
 * Orderer statuses (common.Status names) that the peer gateway returns as
 * ABORTED "received unsuccessful response from orderer: status=NAME, ..."
 * when the orderer's message processor refused the envelope (4xx: the
 * envelope is malformed, not authorised, for an unknown channel, or too
 * big). The orderer did not enqueue it, and every orderer applies the same
 * checks, so no copy can commit.
 */
const ORDERER_REJECTIONS =
  /received unsuccessful response from orderer: status=(BAD_REQUEST|FORBIDDEN|NOT_FOUND|REQUEST_ENTITY_TOO_LARGE),/;

/**
 * True only for Submit answers that prove the envelope was not accepted for
 * ordering. Checked against the peer gateway's Submit in Fabric v3.1.5,
 * `internal/pkg/gateway/submit.go` (`Server.Submit`, `submitNonBFT`,
 * `submitBFT`):
 *
 * - INVALID_ARGUMENT: no request, no prepared transaction, or an unsigned
 *   one; answered before any orderer is contacted;
 * - FAILED_PRECONDITION: the gateway could not list the channel's orderers
 *   (`registry.orderers`); before any orderer is contacted;
 * - NOT_FOUND: no orderer config for the channel; before any orderer is
 *   contacted;
 * - UNAVAILABLE "no orderer nodes available": the gateway knows no orderer;
 *   before any orderer is contacted;
 * - ABORTED "received unsuccessful response from orderer: status=BAD_REQUEST
 *   | FORBIDDEN | NOT_FOUND | REQUEST_ENTITY_TOO_LARGE": the orderer's 4xx
 *   refusal (`status >= 400 && status < 500`, non-BFT), see
 *   {@link ORDERER_REJECTIONS}.
 *
 * Everything else may have been accepted: UNAVAILABLE "no orderers could
 * successfully process transaction" (a broadcast can fail in Recv after its
 * Send reached the orderer), UNAVAILABLE "insufficient number of orderers"
 * (BFT: some orderers may have it), ABORTED with SERVICE_UNAVAILABLE (Raft
 * election: a follower may have forwarded it), DEADLINE_EXCEEDED,
 * CANCELLED, and INTERNAL or UNKNOWN (the gateway or the connection failed
 * somewhere after the request arrived).
 */
export function provesNotAccepted(error: unknown): boolean {
  if (!(error instanceof GatewayError)) return false;
  switch (error.code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.NOT_FOUND:
      return true;
    case GrpcStatus.UNAVAILABLE:
      return /no orderer nodes available/.test(error.message);
    case GrpcStatus.ABORTED:
      return ORDERER_REJECTIONS.test(error.message);
    default:
      return false;
  }
}

/** Sets `transactionId` on a library error that has none yet; returns the error. */
export function withTransactionId<E>(error: E, transactionId: string | undefined): E {
  if (transactionId && error instanceof FabpayError && error.transactionId === undefined) {
    error.transactionId = transactionId;
  }
  return error;
}

/** The "outcome unknown" error for a transaction ID, with how to resolve it. */
export function outcomeUnknown(
  transactionId: string,
  why: string,
  cause?: unknown,
): TransactionOutcomeUnknownError {
  return new TransactionOutcomeUnknownError(
    transactionId,
    `outcome of transaction ${transactionId} unknown: ${why} (resolve it with client.resolve(transactionId))`,
    { cause },
  );
}

/**
 * What is known about one signed envelope (one proposal's transaction). The
 * submit path reports each send to it, and asks it which error to throw.
 */
export class EnvelopeOutcome {
  private sends = 0;
  private mayBeAccepted = false;

  constructor(readonly transactionId: string) {}

  /** Has a send of the envelope started? */
  get sent(): boolean {
    return this.sends > 0;
  }

  /** Sends started so far (the first one included). */
  get sendCount(): number {
    return this.sends;
  }

  /** Call just before each send of the envelope. */
  sending(): void {
    this.sends++;
  }

  /** The gateway acknowledged a send: the envelope is with the orderer. */
  acknowledged(): void {
    this.mayBeAccepted = true;
  }

  /** A send failed in a way that will be retried; remembers whether it may have been accepted. */
  sendMayHaveFailed(error: unknown): void {
    if (!provesNotAccepted(error)) this.mayBeAccepted = true;
  }

  /**
   * The error for a failure that ends the submit. Before the first send it
   * is definite (the typed error, with the transaction ID); from the first
   * send on it is "unknown", unless `error` is a Submit answer proving this
   * send was not accepted and no earlier send may have been.
   */
  failure(why: string, error: unknown, definite: () => Error = () => asError(error)): Error {
    if (!this.sent) return withTransactionId(definite(), this.transactionId);
    if (!this.mayBeAccepted && provesNotAccepted(error))
      return withTransactionId(definite(), this.transactionId);
    this.mayBeAccepted = true;
    return outcomeUnknown(this.transactionId, why, error);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function describe(err: unknown): string {
  if (err instanceof GatewayError && err.details.length > 0) {
    // Fabric says "see attached details": the reason is in each endorser's detail, not the message.
    const each = err.details.map((d) => `${d.address} (${d.mspId}): ${d.message}`).join('; ');
    return `${err.message} [${each}]`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Converts a final failure of a stage call into the library's typed errors. */
export function toTypedError(stage: Stage, error: unknown, failure: Classification, txId?: string): Error {
  if (error instanceof FabpayError) return withTransactionId(error, txId);
  const transactionId = txId ?? (error as { transactionId?: string }).transactionId;
  const options = { cause: error, ...(transactionId ? { transactionId } : {}) };
  if (failure.kind === 'chaincode') {
    return new ChaincodeError(
      failure.chaincodeCode ?? 'CHAINCODE_ERROR',
      failure.chaincodeMessage ?? '',
      transactionId,
      { cause: error },
    );
  }
  if (failure.kind === 'deadline') {
    return new DeadlineExceededError(stage, `${stage} deadline exceeded: ${describe(error)}`, options);
  }
  if (failure.kind === 'transport' || failure.kind === 'overloaded') {
    return new EndpointsUnavailableError(
      stage,
      `${stage} failed on every endpoint tried: ${describe(error)}`,
      options,
    );
  }
  const details = error instanceof GatewayError ? error.details : [];
  const grpcCode = failure.grpcCode ?? 'CLIENT';
  const message = `${stage} failed: ${describe(error)}`;
  // Each stage's refusal is its own class (as in fabric-gateway), all of them GatewayRequestErrors.
  switch (stage) {
    case 'endorse':
      return new EndorseError(grpcCode, message, details, options);
    case 'submit':
      return new SubmitError(grpcCode, message, details, options);
    case 'commitStatus':
      return new CommitStatusError(grpcCode, message, details, options);
    case 'evaluate':
      return new GatewayRequestError(stage, grpcCode, message, details, options);
  }
}
