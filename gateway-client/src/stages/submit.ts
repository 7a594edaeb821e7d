/**
 * The submit stage: hands one signed envelope to the orderer through a
 * peer gateway. After the first send attempt only the same signed bytes are
 * ever sent again (a second copy is marked DUPLICATE_TXID, never applied
 * twice). Which error a failure becomes is decided by
 * {@link EnvelopeOutcome}: from the first send on it is "unknown" unless the
 * gateway's answer proves the envelope was not accepted (then a
 * SubmitError, with the transaction ID).
 */
import type { Transaction } from '@hyperledger/fabric-gateway';
import { sleepWithin, type Deadline, type Deadlines } from '../deadlines';
import { EnvelopeOutcome, toTypedError } from '../outcomes';
import { backoffMs, decide } from '../retry/policy';
import type { SubmitCounters } from './counters';
import { acquireSafely, attempt, type StageContext } from './endpoints';

/** One endorsed proposal's envelope on its way to the orderer. */
export class Submission {
  /** What is known about the envelope; the commit stages ask it for their errors too. */
  readonly outcome: EnvelopeOutcome;
  /**
   * Endpoints that timed out on this proposal, shared by its stages (see
   * `attempt`): one request counts a timeout against a peer at most once.
   */
  readonly blamed = new Set<string>();
  // The resend budget is per proposal: a fresh proposal after a conflict starts afresh.
  private resends = 0;
  private envelope: Uint8Array | undefined;
  private commitRequest: Uint8Array | undefined;

  constructor(
    private readonly ctx: StageContext,
    private readonly transaction: Transaction,
    private readonly deadline: Deadline,
    private readonly d: Deadlines,
    private readonly counters: SubmitCounters,
  ) {
    this.outcome = new EnvelopeOutcome(transaction.getTransactionId());
  }

  get transactionId(): string {
    return this.outcome.transactionId;
  }

  /** The chaincode's result from the endorsement. */
  result(): Uint8Array {
    return this.transaction.getResult();
  }

  /** The signed CommitStatus request the gateway returned with the accepted send. */
  commitStatusRequest(): Uint8Array {
    if (!this.commitRequest) throw this.outcome.failure('no commit status request', undefined);
    return this.commitRequest;
  }

  /**
   * Sends the envelope (the first time, or again: the same bytes) until a
   * gateway acknowledges it; throws the error the outcome rules decide.
   */
  async send(): Promise<void> {
    const { ctx, outcome, deadline } = this;
    const txId = outcome.transactionId;
    const exclude = new Set<string>();
    for (;;) {
      if (outcome.sent) {
        if (this.resends >= ctx.policy.maxResubmits)
          throw outcome.failure(`gave up after ${this.resends} resends`, undefined);
        this.resends++;
        this.counters.resubmits++;
      }
      const lease = await acquireSafely(ctx.pool, {
        exclude,
        deadline,
        admitted: true,
        stage: 'submit',
      }).catch((e: unknown) => {
        throw outcome.failure('no endpoint to (re)send the envelope to', e);
      });
      outcome.sending();
      const result = await attempt(
        ctx,
        'submit',
        lease,
        async (gateway) => {
          const tx = this.envelope ? gateway.newTransaction(this.envelope) : this.transaction;
          try {
            return await tx.submit({ deadline: deadline.forStage(this.d.submitMs) });
          } finally {
            // Signed during submit(): from now on the exact same bytes are resent.
            this.envelope ??= tx.getBytes();
          }
        },
        this.blamed,
      );
      if (result.ok) {
        outcome.acknowledged();
        this.commitRequest = result.value.getBytes();
        return;
      }
      if (decide('submit', result.failure) === 'fail') {
        throw outcome.failure('the gateway failed the send', result.error, () =>
          toTypedError('submit', result.error, result.failure, txId),
        );
      }
      outcome.sendMayHaveFailed(result.error);
      ctx.metrics.retries.inc({ stage: 'submit', reason: result.failure.reason });
      ctx.logger.warn(
        { txId, endpoint: lease.endpoint, reason: result.failure.reason },
        'submit failed; resending the same envelope',
      );
      if (result.failure.endpointFault) exclude.add(lease.endpoint);
      await sleepWithin(
        backoffMs(this.resends, ctx.policy.resubmitBackoffMs, ctx.random),
        deadline,
        'submit',
      ).catch((e: unknown) => {
        throw outcome.failure('overall deadline passed while resending', e);
      });
    }
  }
}
