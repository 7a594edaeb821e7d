/**
 * The evaluate and submit engines: a thin orchestrator over the stages in
 * stages/ (evaluate; endorse, submit, commit), shaped like fabric-gateway's
 * own (proposal → endorse → submit → commit status), each stage with its
 * own module, deadline and error class. Conflicts (MVCC/phantom) are
 * retried here, with a fresh proposal; every other retry lives in its stage.
 */
import type { Status } from '@hyperledger/fabric-gateway';
import type { CommitTracker } from './commits/tracker';
import { Deadline, sleepWithin, type Deadlines } from './deadlines';
import { TransactionInvalidError } from './errors';
import type { Logger } from './logger';
import type { ClientMetrics } from './metrics';
import { validationCodeName, withTransactionId } from './outcomes';
import type { ConnectionPool } from './pool/pool';
import type { SubmitResult, TransactionRequest } from './request';
import { backoffMs, CONFLICT_CODES, type RetryPolicy } from './retry/policy';
import { waitForCommit } from './stages/commit';
import { lookupCommitStatus } from './stages/commit-status';
import { newCounters } from './stages/counters';
import { endorse } from './stages/endorse';
import type { StageContext } from './stages/endpoints';
import { evaluate } from './stages/evaluate';
import { Submission } from './stages/submit';

export type { SubmitResult, TransactionRequest } from './request';

/**
 * How a submit learns that its transaction committed: `stream` (one shared
 * block-event stream per channel, falling back to CommitStatus when it
 * cannot answer) or `status` (one CommitStatus call per transaction).
 */
export type CommitTracking = 'stream' | 'status';

export class TransactionRunner {
  private readonly ctx: StageContext;

  constructor(
    pool: ConnectionPool,
    channel: string,
    private readonly deadlines: Deadlines,
    policy: RetryPolicy,
    metrics: ClientMetrics,
    logger: Logger,
    random: () => number = Math.random,
    /** Set for commit tracking over the block-event stream; without it every submit asks CommitStatus. */
    private readonly tracker?: CommitTracker,
  ) {
    this.ctx = { pool, channel, policy, metrics, logger, random };
  }

  /** Evaluates (queries) on one endpoint, failing over on transport errors. */
  evaluate(req: TransactionRequest): Promise<Uint8Array> {
    return evaluate(this.ctx, req, { ...this.deadlines, ...req.deadlines });
  }

  /** Endorses, submits and waits for commit, retrying as the policy allows. */
  async submit(req: TransactionRequest): Promise<SubmitResult> {
    const { ctx } = this;
    const d = { ...this.deadlines, ...req.deadlines };
    const deadline = new Deadline(d.overallMs);
    const counters = newCounters();
    for (;;) {
      const transaction = await endorse(ctx, req, deadline, d, counters, counters.conflicts > 0);
      const submission = new Submission(ctx, transaction, deadline, d, counters);
      const txId = submission.transactionId;
      // Registered before the first send, so the stream cannot miss the commit.
      const waiter = this.tracker?.register(txId);
      let status: Status;
      try {
        await submission.send();
        status = await waitForCommit(ctx, submission, waiter, deadline, d, counters);
      } finally {
        waiter?.cancel();
      }
      if (status.successful) {
        return {
          result: submission.result(),
          transactionId: txId,
          blockNumber: status.blockNumber,
          retries: { ...counters },
        };
      }
      const codeName = validationCodeName(status.code);
      if (!CONFLICT_CODES.has(codeName))
        throw new TransactionInvalidError(codeName, txId, status.blockNumber);
      if (counters.conflicts >= ctx.policy.maxConflictRetries) {
        throw new TransactionInvalidError(
          codeName,
          txId,
          status.blockNumber,
          `transaction still conflicting (${codeName}) after ${counters.conflicts} fresh-proposal retries`,
        );
      }
      ctx.metrics.retries.inc({ stage: 'commit', reason: codeName });
      ctx.logger.debug(
        { txId, codeName, retry: counters.conflicts + 1 },
        'read conflict; retrying with a fresh proposal',
      );
      // The conflicting transaction committed invalid: failing here is definite.
      await sleepWithin(
        backoffMs(counters.conflicts, ctx.policy.conflictBackoffMs, ctx.random),
        deadline,
        'commit',
      ).catch((e: unknown) => {
        throw withTransactionId(e, txId);
      });
      counters.conflicts++;
    }
  }

  /** Commit status of a transaction by signed request bytes; undefined if not committed within timeoutMs. */
  lookupStatus(commitRequest: Uint8Array, timeoutMs: number): Promise<Status | undefined> {
    return lookupCommitStatus(this.ctx, commitRequest, timeoutMs);
  }
}

export { toTypedError, validationCodeName } from './outcomes';
