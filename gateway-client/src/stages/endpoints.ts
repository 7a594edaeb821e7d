/**
 * What every stage shares: one call on a leased pool slot (timing, health
 * accounting, classification), and running a repeatable call on successive
 * endpoints as the retry policy allows.
 */
import type { Gateway } from '@hyperledger/fabric-gateway';
import { sleepWithin, type Deadline } from '../deadlines';
import { EndpointsUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { ClientMetrics } from '../metrics';
import { toTypedError } from '../outcomes';
import type { AcquireOptions, ConnectionPool, Lease } from '../pool/pool';
import { classify, type Classification } from '../retry/classify';
import { backoffMs, decide, untilDeadline, type RetryPolicy, type Stage } from '../retry/policy';
import type { SubmitCounters } from './counters';

/** The client-wide things a stage works with. */
export interface StageContext {
  readonly pool: ConnectionPool;
  readonly channel: string;
  readonly policy: RetryPolicy;
  readonly metrics: ClientMetrics;
  readonly logger: Logger;
  readonly random: () => number;
}

/** How one stage call ended. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; failure: Classification };

/**
 * One stage call on a lease: timing, health accounting, classification.
 * Health: only connection-level failures count against an endpoint (the
 * pool also checks the connection is really down), plus timeouts of cheap
 * calls (evaluate), never long waits (endorse, submit, commit status). One
 * request counts a timeout against an endpoint at most once (`blamed`), so
 * no single request can eject a peer whatever its payload.
 */
export async function attempt<T>(
  ctx: StageContext,
  stage: Stage,
  lease: Lease,
  call: (gateway: Gateway) => Promise<T>,
  blamed: Set<string> = new Set(),
): Promise<Attempt<T>> {
  const end = ctx.metrics.stageSeconds.startTimer({ stage });
  try {
    const value = await call(lease.gateway);
    lease.release('success');
    end({ outcome: 'ok' });
    return { ok: true, value };
  } catch (error) {
    const failure = classify(error);
    // A timeout may be the request's own doing (a slow query), so each
    // request counts it once per endpoint; connection failures always count.
    const timeout = failure.kind === 'deadline' && stage === 'evaluate' && !blamed.has(lease.endpoint);
    if (timeout) blamed.add(lease.endpoint);
    const fault = failure.endpointFault || timeout;
    // A chaincode error proves the peer works; orderer trouble is not the peer's fault.
    lease.release(fault ? 'endpoint-failure' : failure.kind === 'chaincode' ? 'success' : 'neutral', error);
    end({ outcome: failure.reason });
    return { ok: false, error, failure };
  }
}

/**
 * Runs a stage call that is safe to repeat (evaluate, endorse, a status
 * lookup) on successive endpoints until it succeeds or the policy says
 * stop; the final failure becomes the stage's typed error.
 */
export async function onEndpoints<T>(
  ctx: StageContext,
  stage: Stage,
  deadline: Deadline,
  counters: Pick<SubmitCounters, 'endpoint'>,
  admitted: boolean,
  call: (gateway: Gateway) => Promise<T>,
): Promise<T> {
  const exclude = new Set<string>();
  const blamed = new Set<string>();
  let last: Attempt<T> | undefined;
  // Attempts that count against maxEndpointAttempts; failures that mean
  // "not yet" do not (retry/policy.ts `untilDeadline`).
  let counted = 0;
  for (let n = 0; counted < ctx.policy.maxEndpointAttempts; n++) {
    const lease = await ctx.pool.acquire({ exclude, deadline, admitted: admitted || n > 0, stage });
    const result = await attempt(ctx, stage, lease, call, blamed);
    if (result.ok) return result.value;
    last = result;
    if (decide(stage, result.failure) === 'fail') throw toTypedError(stage, result.error, result.failure);
    const notYet = untilDeadline(stage, result.failure);
    if (!notYet) counted++;
    ctx.metrics.retries.inc({ stage, reason: result.failure.reason });
    ctx.logger.debug(
      { stage, endpoint: lease.endpoint, reason: result.failure.reason },
      'retrying on another endpoint',
    );
    exclude.add(lease.endpoint);
    counters.endpoint++;
    if (counted < ctx.policy.maxEndpointAttempts) {
      const limits = notYet ? ctx.policy.resubmitBackoffMs : ctx.policy.transportBackoffMs;
      await sleepWithin(backoffMs(n, limits, ctx.random), deadline, stage);
    }
  }
  if (last && !last.ok) throw toTypedError(stage, last.error, last.failure);
  throw new EndpointsUnavailableError(stage, `${stage} failed: no attempt was made`);
}

/** pool.acquire, with any synchronous throw turned into a rejection the caller's `.catch` sees. */
export function acquireSafely(pool: ConnectionPool, options: AcquireOptions): Promise<Lease> {
  return Promise.resolve().then(() => pool.acquire(options));
}
