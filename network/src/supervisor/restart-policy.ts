/**
 * The supervisor's restart decisions, pure (no clock, no processes): given what it knew about one
 * process and what it sees now, what to do. Kept apart from the loop so every rule is unit-tested.
 *
 * Rules:
 * - a running process is "seen"; once it has stayed up for `resetAfterMs` its backoff starts over;
 * - a process stopped on purpose (`stopProcess` left its marker: `down`, a chaincode server
 *   restarted for a new package) is forgotten, never restarted;
 * - a process that is not running and was neither seen running by this supervisor nor left a PID
 *   record of a dead process (crash evidence) was never started: left alone (e.g. `up` was cut short);
 * - a crashed process is restarted after an exponential backoff: attempt n waits
 *   `min(maxMs, initialMs * factor^(n-1))` from the moment the crash was noticed.
 */

/** Exponential backoff of restarts. */
export interface BackoffPolicy {
  /** Delay before the first restart after a crash. */
  initialMs: number;
  /** Each further attempt waits this many times longer. */
  factor: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** A process that stays up this long has its attempt count reset. */
  resetAfterMs: number;
}

/** 0.5 s, 1 s, 2 s, … up to 30 s; reset after a minute up. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = {
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  resetAfterMs: 60_000,
};

/** The delay before restart attempt `attempt` (1-based). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** (attempt - 1));
}

/** What the supervisor remembers about one process between polls. */
export interface WatchState {
  /** Seen running by this supervisor since it last stopped on purpose. */
  seen: boolean;
  /** Restarts attempted since it last stayed up `resetAfterMs`. */
  attempts: number;
  /** When it was last seen to come up (ms clock); undefined while down. */
  upSince?: number;
  /** When the next restart is due, once a crash was noticed. */
  restartAt?: number;
}

/** A fresh watch: nothing seen yet. */
export const UNWATCHED: Readonly<WatchState> = { seen: false, attempts: 0 };

/** What one poll observed. */
export interface Observation {
  running: boolean;
  /** `stopProcess` left its marker (see topology's stoppedOnPurpose). */
  stoppedOnPurpose: boolean;
  /** A PID record named a process that is gone (process state `stale`). */
  staleRecord: boolean;
}

/** The decision for one poll. */
export type Decision =
  /** Nothing to do (running, stopped on purpose, never started). */
  | { action: 'none' }
  /** It came back up after a crash (restarted by us, or by someone else). */
  | { action: 'recovered' }
  /** A crash was just noticed; restart attempt `attempt` is due in `delayMs`. */
  | { action: 'crashed'; attempt: number; delayMs: number }
  /** Still down; the restart is not due yet. */
  | { action: 'wait' }
  /** Restart now; this is attempt `attempt`. */
  | { action: 'restart'; attempt: number };

/** Decides what to do about one process at time `now` (ms); returns the decision and the new state. */
export function decide(
  state: WatchState,
  seen: Observation,
  now: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): { decision: Decision; state: WatchState } {
  if (seen.running) {
    const upSince = state.upSince ?? now;
    const attempts = now - upSince >= policy.resetAfterMs ? 0 : state.attempts;
    const wasDown = state.seen && state.upSince === undefined;
    return {
      decision: { action: wasDown ? 'recovered' : 'none' },
      state: { seen: true, attempts, upSince },
    };
  }
  if (seen.stoppedOnPurpose) return { decision: { action: 'none' }, state: { ...UNWATCHED } };
  if (!state.seen && !seen.staleRecord && state.restartAt === undefined) {
    return { decision: { action: 'none' }, state };
  }
  if (state.restartAt === undefined) {
    const attempt = state.attempts + 1;
    const delayMs = backoffDelay(policy, attempt);
    return {
      decision: { action: 'crashed', attempt, delayMs },
      state: { seen: true, attempts: state.attempts, restartAt: now + delayMs },
    };
  }
  if (now < state.restartAt) return { decision: { action: 'wait' }, state };
  const attempt = state.attempts + 1;
  return { decision: { action: 'restart', attempt }, state: { seen: true, attempts: attempt } };
}
