/**
 * Error classification: what kind of failure is this, independent of what
 * to do about it (that is policy.ts). Works on the errors fabric-gateway
 * throws (GatewayError and subclasses carry a gRPC code and per-peer details).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { parseErrorMessage } from '@fabpay/model';

/** The kinds of failure the retry policy distinguishes. */
export type FailureKind =
  /** Connection-level or service-unavailable failure: the request may not have been processed. */
  | 'transport'
  /** The call's own deadline passed. */
  | 'deadline'
  /** The peer refused for load (RESOURCE_EXHAUSTED, or the gateway concurrency limit). */
  | 'overloaded'
  /** The chaincode returned an error; `chaincodeCode` holds its stable code. */
  | 'chaincode'
  /** Anything else: permission, bad request, endorsement mismatch, unknown. */
  | 'fatal';

export interface Classification {
  readonly kind: FailureKind;
  /**
   * True when the failure says the gateway peer itself is unhealthy (counts
   * towards ejecting it), as opposed to the peer reporting a problem further
   * away (orderer down, other org's endorser down) that another gateway
   * peer would hit too.
   */
  readonly endpointFault: boolean;
  /** gRPC status name when known, e.g. `UNAVAILABLE`. */
  readonly grpcCode?: string;
  readonly chaincodeCode?: string;
  readonly chaincodeMessage?: string;
  /** Short reason label for metrics and logs. */
  readonly reason: string;
}

const GRPC_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

/** gRPC status name for a numeric code. */
export function grpcCodeName(code: number): string {
  return GRPC_NAMES[code] ?? `CODE_${code}`;
}

/**
 * Chaincode rejection inside a peer message. Fabric wraps the chaincode's
 * message as "chaincode response 500, <message>"; the payments chaincode
 * starts every message with a stable upper-case code (@fabpay/model's format).
 */
const CHAINCODE_RESPONSE = /chaincode response (\d+), ?([\s\S]*)$/;

/** Extracts `{code, message}` from a chaincode error text; undefined if it is not one. */
export function parseChaincodeError(text: string): { code: string; message: string } | undefined {
  const wrapped = CHAINCODE_RESPONSE.exec(text);
  if (!wrapped) return undefined;
  const body = (wrapped[2] ?? '').trim();
  const coded = parseErrorMessage(body);
  if (coded) return { code: coded.code, message: coded.detail };
  return { code: 'CHAINCODE_ERROR', message: body };
}

/** grpc-js messages for a failure of one stream (request), not of the connection. */
function isStreamLevel(text: string): boolean {
  return /Stream refused by server|Received RST_STREAM|RST_STREAM with code|Received message larger than max|Response message parsing error/i.test(
    text,
  );
}

/**
 * The chaincode (or the peer's link to it) was unavailable during
 * simulation: nothing was endorsed or ordered, so endorsing again (on
 * another peer, after a backoff) is safe. Fabric v3.1.5 reports it as the
 * endorser's error, not a chaincode response: core/endorser/endorser.go
 * "error in simulation: ..." wrapping core/chaincode/chaincode_support.go
 * "failed to execute transaction <txid>: ..." with "could not launch
 * chaincode <ccid>: ..." (a CCaaS server that refuses connections:
 * "chaincode registration failed", "connect: connection refused"), or
 * handler.go "chaincode stream terminated" (it died mid-call), or "timeout
 * expired while executing transaction". The gateway returns it as ABORTED
 * "failed to endorse transaction, see attached details" (responseStatus in
 * internal/pkg/gateway/apiutils.go: status 500 without payload means the
 * peer, not the chaincode, produced it). A chaincode's own rejection always
 * comes as "chaincode response <status>, ..." and is handled before this.
 */
const CHAINCODE_UNAVAILABLE =
  /could not launch chaincode|chaincode stream terminated|chaincode registration failed|error in simulation: failed to execute transaction|timeout expired while executing transaction/;

/**
 * A gRPC failure of the gateway peer's own call to an endorser, as the
 * gateway reports it in a detail (grpc-go's `rpc error: code = ...`): the
 * endorser was unreachable, or the gateway closed its connection to it after
 * that endorser's chaincode stream terminated ("the client connection is
 * closing" for every other proposal in flight on it), or the call timed out.
 */
const ENDORSER_UNREACHABLE = /^rpc error: code = (Unavailable|Canceled|DeadlineExceeded) desc = /;

/** Fabric's message when some endorsements could not be collected (internal/pkg/gateway/endorse.go). */
const COLLECT_FAILED = /failed to collect enough transaction endorsements/;

/** Why one endorser's failure is transient, or undefined when it may be final. */
function transientEndorserFailure(detail: string): string | undefined {
  if (CHAINCODE_UNAVAILABLE.test(detail)) return 'chaincode_unavailable';
  // The endorsing peers simulated against different ledger heights (one had not committed the
  // latest block yet); endorsing again shortly succeeds.
  if (/ProposalResponsePayloads do not match/.test(detail)) return 'endorsement_mismatch';
  if (ENDORSER_UNREACHABLE.test(detail)) return 'endorser_unreachable';
  return undefined;
}

/**
 * Why an ABORTED endorsement is transient, or undefined when it may be final:
 * every endorser's failure must be transient (one that refused the caller,
 * e.g. "access denied", makes it final). Without details, only the
 * collection failure counts: the gateway ran out of endorsers to ask.
 */
function transientEndorseFailure(message: string, details: readonly string[]): string | undefined {
  if (details.length === 0) {
    const own = transientEndorserFailure(message);
    if (own) return own;
    return COLLECT_FAILED.test(message) ? 'endorser_unreachable' : undefined;
  }
  const reasons = details.map(transientEndorserFailure);
  if (reasons.some((r) => r === undefined)) return undefined;
  // The most specific reason wins: an unavailable chaincode is what an operator must fix.
  for (const preferred of ['chaincode_unavailable', 'endorsement_mismatch', 'endorser_unreachable']) {
    if (reasons.includes(preferred)) return preferred;
  }
  return undefined;
}

/** True for the peer gateway's concurrency-limit refusal. */
function isTooManyRequests(text: string): boolean {
  return /too many requests/i.test(text);
}

/** Classifies any error thrown by a fabric-gateway call. */
export function classify(err: unknown): Classification {
  if (!(err instanceof GatewayError)) {
    return { kind: 'fatal', endpointFault: false, reason: 'client_error' };
  }
  const grpcCode = grpcCodeName(err.code);
  const texts = [err.message, ...err.details.map((d) => d.message)];
  for (const text of texts) {
    const cc = parseChaincodeError(text);
    if (cc) {
      return {
        kind: 'chaincode',
        endpointFault: false,
        grpcCode,
        chaincodeCode: cc.code,
        chaincodeMessage: cc.message,
        reason: 'chaincode',
      };
    }
  }
  // Failures of one stream on a working connection (the server refused or
  // reset this stream, or this response was too big): they say nothing
  // about the peer, and another request on the same connection is fine.
  if (texts.some(isStreamLevel)) {
    const kind = err.code === GrpcStatus.RESOURCE_EXHAUSTED ? 'overloaded' : 'transport';
    return { kind, endpointFault: false, grpcCode, reason: 'stream_error' };
  }
  switch (err.code) {
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.CANCELLED:
      // No per-peer details means grpc-js produced the status locally (no
      // connection, connection dropped): the gateway peer itself is at fault.
      // With details, the peer answered and is reporting on others.
      return { kind: 'transport', endpointFault: err.details.length === 0, grpcCode, reason: 'unavailable' };
    case GrpcStatus.DEADLINE_EXCEEDED:
      // A deadline says the call took too long, not that the peer is down:
      // commit-status waits and endorsements are long by nature. The runner
      // counts repeated timeouts of cheap calls (evaluate) itself.
      return { kind: 'deadline', endpointFault: false, grpcCode, reason: 'deadline' };
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return { kind: 'overloaded', endpointFault: false, grpcCode, reason: 'overloaded' };
    case GrpcStatus.ABORTED:
      // Submit: the orderer refused, e.g. SERVICE_UNAVAILABLE during a Raft
      // leader election. The envelope may be resent as it is.
      if (texts.some((t) => /SERVICE_UNAVAILABLE/.test(t))) {
        return { kind: 'transport', endpointFault: false, grpcCode, reason: 'orderer_unavailable' };
      }
      {
        // Endorse: the gateway could not collect the endorsements. Nothing was endorsed or ordered,
        // so it is transient exactly when every endorser's failure is.
        const reason = transientEndorseFailure(
          err.message,
          err.details.map((d) => d.message),
        );
        if (reason) return { kind: 'transport', endpointFault: false, grpcCode, reason };
        return { kind: 'fatal', endpointFault: false, grpcCode, reason: 'aborted' };
      }
    case GrpcStatus.UNKNOWN:
      if (texts.some(isTooManyRequests)) {
        return { kind: 'overloaded', endpointFault: false, grpcCode, reason: 'overloaded' };
      }
      if (texts.some((t) => CHAINCODE_UNAVAILABLE.test(t))) {
        return { kind: 'transport', endpointFault: false, grpcCode, reason: 'chaincode_unavailable' };
      }
      return { kind: 'fatal', endpointFault: false, grpcCode, reason: 'unknown' };
    case GrpcStatus.FAILED_PRECONDITION:
      // The gateway's discovery cannot name endorsers for the policy yet: gossip has not spread
      // the chaincode and peer state (just after a deploy, or while an org's peers restart).
      // Nothing was endorsed, so trying again after a backoff is safe.
      if (
        texts.some((t) => /no combination of peers can be derived|no peer combination can satisfy/.test(t))
      ) {
        return { kind: 'transport', endpointFault: false, grpcCode, reason: 'no_endorsers' };
      }
      return { kind: 'fatal', endpointFault: false, grpcCode, reason: 'failed_precondition' };
    default:
      return { kind: 'fatal', endpointFault: false, grpcCode, reason: grpcCode.toLowerCase() };
  }
}
