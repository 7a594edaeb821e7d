/**
 * Deadlines. The upstream library sets none, so a hung peer or a lost
 * transaction would block a caller forever; here every stage has a default
 * and the whole request has an overall deadline that caps each stage.
 */
import { DeadlineExceededError } from './errors';

/** Per-stage and overall time limits, in milliseconds. */
export interface Deadlines {
  /** One Evaluate call. */
  readonly evaluateMs: number;
  /** One Endorse call (simulation on every endorsing peer). */
  readonly endorseMs: number;
  /** One Submit call (hand-off to the orderer). */
  readonly submitMs: number;
  /** One CommitStatus wait; after it passes the same envelope is resent. */
  readonly commitStatusMs: number;
  /** The whole evaluate or submit, including queueing, retries and backoff. */
  readonly overallMs: number;
}

/** Defaults sized for a local Raft network: block cutting ~2 s, elections ~10 s. */
export const DEFAULT_DEADLINES: Deadlines = {
  evaluateMs: 10_000,
  endorseMs: 15_000,
  submitMs: 10_000,
  commitStatusMs: 30_000,
  overallMs: 120_000,
};

/** Merges caller overrides over the defaults, rejecting nonsense values. */
export function resolveDeadlines(overrides: Partial<Deadlines> = {}): Deadlines {
  const merged = { ...DEFAULT_DEADLINES, ...overrides };
  for (const [k, v] of Object.entries(merged)) {
    if (!Number.isFinite(v) || v <= 0)
      throw new RangeError(`deadline ${k} must be a positive number of ms, got ${v}`);
  }
  return merged;
}

/** The overall deadline of one request; hands out capped stage deadlines. */
export class Deadline {
  readonly at: number;

  constructor(
    overallMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + overallMs;
  }

  /** Milliseconds left (never negative). */
  remaining(): number {
    return Math.max(0, this.at - this.now());
  }

  expired(): boolean {
    return this.remaining() <= 0;
  }

  /** A gRPC deadline for one stage: the stage limit, capped by what is left overall. */
  forStage(stageMs: number): Date {
    return new Date(this.now() + Math.min(stageMs, this.remaining()));
  }

  /** Throws {@link DeadlineExceededError} if the overall deadline has passed. */
  check(stage: string): void {
    if (this.expired()) throw new DeadlineExceededError(stage, `overall deadline exceeded during ${stage}`);
  }
}

/**
 * Sleeps for `ms`, but never past the deadline (throws if the deadline would
 * pass first, so a backoff never makes the caller overshoot).
 */
export async function sleepWithin(ms: number, deadline: Deadline, stage: string): Promise<void> {
  if (ms >= deadline.remaining()) {
    throw new DeadlineExceededError(stage, `overall deadline would pass during retry backoff in ${stage}`);
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
}
