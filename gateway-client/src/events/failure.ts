/**
 * Which event stream failures are worth a reconnect.
 *
 * A stream is long-lived, so the question differs from a request's retry
 * (retry/policy.ts): everything that can pass with time or on another peer
 * (the peer dying, restarting, shedding load, a deadline) reconnects, and only
 * a refusal of the request itself ends the stream, since the same request
 * would be refused again forever. What the Fabric v3.1.5 gateway returns
 * (internal/pkg/gateway/chaincodeevents.go): PERMISSION_DENIED for the
 * gateway/ChaincodeEvents ACL, NOT_FOUND for a channel the peer has not
 * joined, INVALID_ARGUMENT for a malformed request, and ABORTED both for a
 * start block the ledger cannot serve (bootstrapped from a snapshot: "cannot
 * serve block [n]") and for block iterator errors (e.g. the ledger closing
 * while the peer shuts down), so ABORTED is told apart by its message.
 * The peer does not check the chaincode name: a stream for a chaincode that
 * does not exist stays open and delivers nothing.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { classify, grpcCodeName } from '../retry/classify';

export interface StreamFailure {
  /** True when reconnecting cannot help. */
  readonly fatal: boolean;
  /** True when the failure counts against the endpoint's health (see classify.ts). */
  readonly endpointFault: boolean;
  readonly grpcCode?: string;
  readonly reason: string;
}

/** Refusals of the request itself, wherever and whenever it is sent. */
const FATAL_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.OUT_OF_RANGE,
]);

/** blkstorage's refusal of a block below a snapshot-bootstrapped ledger's first block. */
const START_BLOCK_UNAVAILABLE = /cannot serve block|bootstrapped from a snapshot/i;

/**
 * The error as a GatewayError. fabric-gateway wraps a stream's gRPC error
 * only when its metadata is an instance of fabric-gateway's own copy of
 * grpc-js (client.js isServiceError); with the copy this package's
 * connections are made with, stream errors arrive as raw ServiceErrors.
 * Fabric attaches no error details to chaincode event stream errors.
 */
function asGatewayError(err: unknown): GatewayError | undefined {
  if (err instanceof GatewayError) return err;
  if (!(err instanceof Error)) return undefined;
  const { code, details } = err as Partial<ServiceError>;
  if (typeof code !== 'number' || typeof details !== 'string') return undefined;
  return new GatewayError({ code, details: [], cause: err as ServiceError, message: err.message });
}

/** Classifies an error from opening or reading an event stream (or from reading the start height). */
export function classifyStreamFailure(error: unknown): StreamFailure {
  const err = asGatewayError(error);
  if (!err) {
    // Not from a peer: the checkpointer failed, or a response could not be parsed.
    return { fatal: true, endpointFault: false, reason: 'client_error' };
  }
  const grpcCode = grpcCodeName(err.code);
  const texts = [err.message, ...err.details.map((d) => d.message)];
  if (err.code === GrpcStatus.ABORTED && texts.some((t) => START_BLOCK_UNAVAILABLE.test(t))) {
    return { fatal: true, endpointFault: false, grpcCode, reason: 'start_block_unavailable' };
  }
  if (FATAL_CODES.has(err.code)) {
    return { fatal: true, endpointFault: false, grpcCode, reason: grpcCode.toLowerCase() };
  }
  const c = classify(err);
  return { fatal: false, endpointFault: c.endpointFault, grpcCode, reason: c.reason };
}
