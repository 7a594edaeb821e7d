/**
 * The commit status stage: CommitStatus calls, each holding a pool slot
 * (and one of the peer's gateway slots) until the transaction commits or
 * the stage deadline passes. A timeout means the transaction may have been
 * lost (e.g. in a Raft leader election): the same envelope is sent again
 * and the wait goes on; a transport failure asks another endpoint.
 *
 * The envelope has been sent, so no failure here is definite: a refusal
 * becomes a CommitStatusError, and the caller gets "outcome unknown" with
 * it as the cause (outcomes.ts).
 */
import type { Status } from '@hyperledger/fabric-gateway';
import { Deadline, sleepWithin, type Deadlines } from '../deadlines';
import { DeadlineExceededError, EndpointsUnavailableError } from '../errors';
import { toTypedError } from '../outcomes';
import { backoffMs, decide } from '../retry/policy';
import { newCounters, type SubmitCounters } from './counters';
import { acquireSafely, attempt, onEndpoints, type StageContext } from './endpoints';
import type { Submission } from './submit';

/** Waits for the commit status of a sent envelope, resending it when a wait times out. */
export async function waitForCommitStatus(
  ctx: StageContext,
  submission: Submission,
  deadline: Deadline,
  d: Deadlines,
  counters: SubmitCounters,
): Promise<Status> {
  const { outcome } = submission;
  // The lookup budget is per proposal, like the resend budget.
  let statusLookups = 0;
  const exclude = new Set<string>();
  for (;;) {
    const request = submission.commitStatusRequest();
    const lease = await acquireSafely(ctx.pool, {
      exclude,
      deadline,
      admitted: true,
      stage: 'commitStatus',
    }).catch((e: unknown) => {
      throw outcome.failure('no endpoint to ask for the commit status', e);
    });
    const result = await attempt(
      ctx,
      'commitStatus',
      lease,
      (gateway) => gateway.newCommit(request).getStatus({ deadline: deadline.forStage(d.commitStatusMs) }),
      submission.blamed,
    );
    if (result.ok) {
      ctx.metrics.commits.inc({ source: 'status' });
      return result.value;
    }
    const action = decide('commitStatus', result.failure);
    const typed = () => toTypedError('commitStatus', result.error, result.failure, outcome.transactionId);
    if (action === 'fail') throw outcome.failure('commit status lookup failed', typed());
    if (deadline.expired())
      throw outcome.failure('overall deadline passed waiting for the commit status', typed());
    ctx.metrics.retries.inc({ stage: 'commitStatus', reason: result.failure.reason });
    if (action === 'resend-envelope') {
      // No commit within the wait: the transaction may have been lost (e.g.
      // during a Raft leader election). Resending the same envelope is
      // harmless: if the first copy commits, the second is DUPLICATE_TXID.
      ctx.logger.warn(
        { txId: outcome.transactionId },
        'no commit status in time; resending the same envelope',
      );
      await submission.send();
    } else {
      statusLookups++;
      counters.statusLookups++;
      if (statusLookups > ctx.policy.maxStatusAttempts) {
        throw outcome.failure('commit status unavailable from every endpoint', typed());
      }
      if (result.failure.endpointFault) exclude.add(lease.endpoint);
      await sleepWithin(
        backoffMs(statusLookups, ctx.policy.transportBackoffMs, ctx.random),
        deadline,
        'commitStatus',
      ).catch((e: unknown) => {
        throw outcome.failure('overall deadline passed waiting for the commit status', e);
      });
    }
  }
}

/**
 * The commit status of any transaction by its signed request bytes (for
 * `getTransactionStatus` and `resolve`); undefined if it is not committed
 * within `timeoutMs`. A refusal is a CommitStatusError.
 */
export async function lookupCommitStatus(
  ctx: StageContext,
  commitRequest: Uint8Array,
  timeoutMs: number,
): Promise<Status | undefined> {
  const deadline = new Deadline(timeoutMs);
  try {
    return await onEndpoints(ctx, 'commitStatus', deadline, newCounters(), false, (gateway) =>
      gateway.newCommit(commitRequest).getStatus({ deadline: deadline.forStage(timeoutMs) }),
    );
  } catch (err) {
    if (err instanceof DeadlineExceededError || err instanceof EndpointsUnavailableError) {
      if (deadline.expired()) return undefined;
    }
    throw err;
  }
}
