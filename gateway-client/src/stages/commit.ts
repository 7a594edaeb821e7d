/**
 * The commit stage: learns how a sent envelope committed, from the
 * block-event stream when the transaction was registered with the
 * CommitTracker, else (or when the stream falls back) from CommitStatus
 * calls. The stream holds no pool slot while it waits.
 *
 * A stream wait that passes the commit deadline (`commitStatusMs`) is the
 * same evidence as a CommitStatus call that timed out: the envelope may
 * have been lost, so the same envelope is sent again (harmless) before the
 * wait goes on with CommitStatus. Any other fallback (a gap in the stream,
 * the stream down, the client closing) goes on with CommitStatus directly.
 * A stream problem is never a reason to say "failed" (outcomes.ts).
 */
import type { Status } from '@hyperledger/fabric-gateway';
import type { CommitWaiter } from '../commits/tracker';
import type { Deadline, Deadlines } from '../deadlines';
import { DeadlineExceededError } from '../errors';
import { waitForCommitStatus } from './commit-status';
import type { SubmitCounters } from './counters';
import type { StageContext } from './endpoints';
import type { Submission } from './submit';

/** Waits for the commit of a sent envelope; `waiter` is its stream registration, if any. */
export async function waitForCommit(
  ctx: StageContext,
  submission: Submission,
  waiter: CommitWaiter | undefined,
  deadline: Deadline,
  d: Deadlines,
  counters: SubmitCounters,
): Promise<Status> {
  if (waiter) {
    const end = ctx.metrics.stageSeconds.startTimer({ stage: 'commitStream' });
    const wait = await waiter.wait(Math.min(d.commitStatusMs, deadline.remaining()));
    if (wait.kind === 'committed') {
      end({ outcome: 'ok' });
      ctx.metrics.commits.inc({ source: 'stream' });
      return wait.status;
    }
    end({ outcome: wait.reason });
    if (deadline.expired()) {
      throw submission.outcome.failure(
        'overall deadline passed waiting for the commit',
        new DeadlineExceededError(
          'commit',
          'overall deadline exceeded waiting for the commit on the block stream',
        ),
      );
    }
    ctx.metrics.commitFallbacks.inc({ reason: wait.reason });
    ctx.logger.debug(
      { txId: submission.transactionId, reason: wait.reason },
      'commit not seen on the block stream; asking CommitStatus',
    );
    if (wait.reason === 'timeout') {
      // As for a CommitStatus deadline (retry/policy.ts): resend the same envelope.
      ctx.metrics.retries.inc({ stage: 'commit', reason: 'stream_timeout' });
      await submission.send();
    }
  }
  return waitForCommitStatus(ctx, submission, deadline, d, counters);
}
