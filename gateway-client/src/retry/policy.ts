/**
 * The retry rules, in one place.
 *
 * | stage         | transport / deadline / overloaded          | chaincode | fatal |
 * |---------------|--------------------------------------------|-----------|-------|
 * | evaluate      | retry on another endpoint                  | fail      | fail  |
 * | endorse       | retry on another endpoint                  | fail      | fail  |
 * | submit        | resend the SAME signed envelope            | fail      | fail  |
 * | commitStatus  | transport: ask another endpoint;           | -         | fail  |
 * |               | deadline: resend the SAME envelope, ask again |        |       |
 * | commit stream | no commit within commitStatusMs: resend the SAME envelope, then |
 * |               | ask CommitStatus; a gap or the stream down: ask CommitStatus   |
 *
 * Validation codes after commit: MVCC_READ_CONFLICT and PHANTOM_READ_CONFLICT
 * are retried with a FRESH proposal (new transaction ID, re-simulated against
 * current state) after jittered backoff, up to `maxConflictRetries`;
 * anything else, including DUPLICATE_TXID, is returned to the caller.
 *
 * Why the same envelope after submit: once the orderer may have the
 * transaction, a fresh proposal could apply the payment twice; the same
 * envelope carries the same transaction ID, so a second copy is marked
 * DUPLICATE_TXID by the committer and never applied.
 *
 * Chaincode errors are never retried: the same input fails the same way.
 * Some failures mean "not yet" rather than "not here" ({@link untilDeadline}):
 * the chaincode was unavailable, the gateway could not reach an endorser
 * (or dropped its link to one whose chaincode stream ended), an endorsement
 * ran out of its stage deadline, or the gateway could not plan endorsers yet
 * (a restarted peer before gossip converged). Nothing was endorsed, so they are retried
 * elsewhere, then after the resend backoff, until the overall deadline,
 * without using up `maxEndpointAttempts`.
 *
 * "fail" at the submit and commitStatus stages does not say whether the
 * caller is told "failed" or "outcome unknown": outcomes.ts decides that.
 */
import type { Classification } from './classify';

/** Stages of a request, as used in retry decisions, metrics and errors. */
export type Stage = 'evaluate' | 'endorse' | 'submit' | 'commitStatus';

/** What to do after a failure. */
export type RetryAction = 'retry-elsewhere' | 'resend-envelope' | 'fail';

/** Tunables for retries; all attempts are also bounded by the overall deadline. */
export interface RetryPolicy {
  /** Attempts per evaluate/endorse stage across endpoints (first try included). */
  readonly maxEndpointAttempts: number;
  /** Fresh-proposal retries after MVCC/phantom read conflicts. */
  readonly maxConflictRetries: number;
  /**
   * Resends of the same envelope (after submit failures or commit-status
   * timeouts). Generous on purpose: a Raft leader election refuses
   * submissions for several seconds, and resending the same envelope is
   * always harmless.
   */
  readonly maxResubmits: number;
  /** Commit-status lookups on other endpoints after transport failures. */
  readonly maxStatusAttempts: number;
  /** Backoff base/cap for conflicts (full jitter). */
  readonly conflictBackoffMs: { readonly base: number; readonly max: number };
  /** Backoff base/cap between transport retries (full jitter). */
  readonly transportBackoffMs: { readonly base: number; readonly max: number };
  /** Backoff base/cap between resends of an envelope (full jitter); sized to ride out an orderer election. */
  readonly resubmitBackoffMs: { readonly base: number; readonly max: number };
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxEndpointAttempts: 4,
  maxConflictRetries: 5,
  maxResubmits: 20,
  maxStatusAttempts: 6,
  conflictBackoffMs: { base: 25, max: 1_000 },
  transportBackoffMs: { base: 10, max: 500 },
  resubmitBackoffMs: { base: 100, max: 2_000 },
};

/** Merges overrides over the defaults. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/** Decides the action for a failed call at a stage. */
export function decide(stage: Stage, failure: Classification): RetryAction {
  const retryable =
    failure.kind === 'transport' || failure.kind === 'deadline' || failure.kind === 'overloaded';
  if (!retryable) return 'fail';
  switch (stage) {
    case 'evaluate':
    case 'endorse':
      return 'retry-elsewhere';
    case 'submit':
      return 'resend-envelope';
    case 'commitStatus':
      // A status wait that times out usually means the transaction was lost
      // (e.g. Raft leader election); a transport failure is the peer's.
      return failure.kind === 'deadline' ? 'resend-envelope' : 'retry-elsewhere';
  }
}

/**
 * Whether a retryable failure is retried until the overall deadline instead
 * of counting against `maxEndpointAttempts` (see the rules above).
 */
export function untilDeadline(stage: Stage, failure: Classification): boolean {
  return (
    failure.reason === 'chaincode_unavailable' ||
    failure.reason === 'endorser_unreachable' ||
    failure.reason === 'no_endorsers' ||
    (stage === 'endorse' && failure.kind === 'deadline')
  );
}

/** Validation codes that mean "re-simulate and try again". */
export const CONFLICT_CODES: ReadonlySet<string> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/**
 * Full-jitter exponential backoff: uniform in [0, min(max, base * 2^attempt)].
 * Jitter spreads out clients that conflicted on the same key so they do not
 * collide again in the next block.
 */
export function backoffMs(
  attempt: number,
  limits: { readonly base: number; readonly max: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(limits.max, limits.base * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
