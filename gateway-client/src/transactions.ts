/**
 * The evaluate and submit engines: stage calls on pooled endpoints with
 * deadlines, classification, and the retry policy of retry/policy.ts.
 */
import {
  type Gateway,
  type ProposalOptions,
  type Status,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import { Deadline, sleepWithin, type Deadlines } from './deadlines';
import { DeadlineExceededError, EndpointsUnavailableError, TransactionInvalidError } from './errors';
import type { Logger } from './logger';
import type { ClientMetrics } from './metrics';
import type { AcquireOptions, ConnectionPool, Lease } from './pool/pool';
import { EnvelopeOutcome, toTypedError, validationCodeName, withTransactionId } from './outcomes';
import { classify, type Classification } from './retry/classify';
import { backoffMs, CONFLICT_CODES, decide, type RetryPolicy, type Stage } from './retry/policy';

/** One chaincode transaction invocation. */
export interface TransactionRequest {
  /** Chaincode name. */
  readonly chaincode: string;
  /** Contract name within the chaincode, if not the default contract. */
  readonly contract?: string;
  /** Transaction (function) name. */
  readonly transaction: string;
  readonly args?: readonly (string | Uint8Array)[];
  /** Private inputs, not recorded on the ledger. */
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  /** Restrict endorsement to these MSP IDs (else the gateway decides from the policy). */
  readonly endorsingOrganizations?: readonly string[];
  /** Per-request deadline overrides. */
  readonly deadlines?: Partial<Deadlines>;
}

/** Outcome of a committed transaction. */
export interface SubmitResult {
  /** The chaincode's return value. */
  readonly result: Uint8Array;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** How much retrying it took (for tests, logs and curiosity). */
  readonly retries: {
    readonly endpoint: number;
    readonly conflicts: number;
    readonly resubmits: number;
    readonly statusLookups: number;
  };
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; failure: Classification };

interface Counters {
  endpoint: number;
  conflicts: number;
  resubmits: number;
  statusLookups: number;
}

export class TransactionRunner {
  constructor(
    private readonly pool: ConnectionPool,
    private readonly channel: string,
    private readonly deadlines: Deadlines,
    private readonly policy: RetryPolicy,
    private readonly metrics: ClientMetrics,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /** Evaluates (queries) on one endpoint, failing over on transport errors. */
  async evaluate(req: TransactionRequest): Promise<Uint8Array> {
    const d = { ...this.deadlines, ...req.deadlines };
    const deadline = new Deadline(d.overallMs);
    const counters = newCounters();
    return this.onEndpoints('evaluate', deadline, counters, false, (gateway) =>
      this.proposal(gateway, req).evaluate({ deadline: deadline.forStage(d.evaluateMs) }),
    );
  }

  /** Endorses, submits and waits for commit, retrying as the policy allows. */
  async submit(req: TransactionRequest): Promise<SubmitResult> {
    const d = { ...this.deadlines, ...req.deadlines };
    const deadline = new Deadline(d.overallMs);
    const counters = newCounters();
    // The transaction ID of the latest proposal: every error carries it once one exists.
    let txId: string | undefined;
    for (;;) {
      const transaction = await this.onEndpoints(
        'endorse',
        deadline,
        counters,
        counters.conflicts > 0,
        (gateway) => {
          const proposal = this.proposal(gateway, req);
          txId = proposal.getTransactionId();
          return proposal.endorse({ deadline: deadline.forStage(d.endorseMs) });
        },
      ).catch((e: unknown) => {
        throw withTransactionId(e, txId);
      });
      txId = transaction.getTransactionId();
      const status = await this.submitAndWait(transaction, deadline, d, counters);
      if (status.successful) {
        return {
          result: transaction.getResult(),
          transactionId: txId,
          blockNumber: status.blockNumber,
          retries: { ...counters },
        };
      }
      const codeName = validationCodeName(status.code);
      if (CONFLICT_CODES.has(codeName)) {
        if (counters.conflicts >= this.policy.maxConflictRetries) {
          throw new TransactionInvalidError(
            codeName,
            txId,
            status.blockNumber,
            `transaction still conflicting (${codeName}) after ${counters.conflicts} fresh-proposal retries`,
          );
        }
        this.metrics.retries.inc({ stage: 'commit', reason: codeName });
        this.logger.debug(
          { txId, codeName, retry: counters.conflicts + 1 },
          'read conflict; retrying with a fresh proposal',
        );
        // The conflicting transaction committed invalid: failing here is definite.
        await sleepWithin(
          backoffMs(counters.conflicts, this.policy.conflictBackoffMs, this.random),
          deadline,
          'commit',
        ).catch((e: unknown) => {
          throw withTransactionId(e, txId);
        });
        counters.conflicts++;
        continue;
      }
      throw new TransactionInvalidError(codeName, txId, status.blockNumber);
    }
  }

  /** Commit status of a transaction by signed request bytes; undefined if not committed within timeoutMs. */
  async lookupStatus(commitRequest: Uint8Array, timeoutMs: number): Promise<Status | undefined> {
    const deadline = new Deadline(timeoutMs);
    try {
      return await this.onEndpoints('commitStatus', deadline, newCounters(), false, (gateway) =>
        gateway.newCommit(commitRequest).getStatus({ deadline: deadline.forStage(timeoutMs) }),
      );
    } catch (err) {
      if (err instanceof DeadlineExceededError || err instanceof EndpointsUnavailableError) {
        if (deadline.expired()) return undefined;
      }
      throw err;
    }
  }

  private proposal(gateway: Gateway, req: TransactionRequest) {
    const contract = gateway.getNetwork(this.channel).getContract(req.chaincode, req.contract);
    const options: ProposalOptions = {
      arguments: [...(req.args ?? [])],
      ...(req.transient ? { transientData: { ...req.transient } } : {}),
      ...(req.endorsingOrganizations ? { endorsingOrganizations: [...req.endorsingOrganizations] } : {}),
    };
    return contract.newProposal(req.transaction, options);
  }

  /**
   * Runs a stage that is safe to repeat (evaluate, endorse, status lookup)
   * on successive endpoints until it succeeds or the policy says stop.
   */
  private async onEndpoints<T>(
    stage: Stage,
    deadline: Deadline,
    counters: Counters,
    admitted: boolean,
    call: (gateway: Gateway) => Promise<T>,
  ): Promise<T> {
    const exclude = new Set<string>();
    const blamed = new Set<string>();
    let last: Attempt<T> | undefined;
    // Attempts that count against maxEndpointAttempts. Waiting for an
    // unavailable chaincode does not: it is retried, with the longer resend
    // backoff, for as long as the deadline allows.
    let counted = 0;
    for (let attempt = 0; counted < this.policy.maxEndpointAttempts; attempt++) {
      const lease = await this.pool.acquire({ exclude, deadline, admitted: admitted || attempt > 0, stage });
      const result = await this.attempt(stage, lease, call, blamed);
      if (result.ok) return result.value;
      last = result;
      if (decide(stage, result.failure) === 'fail') throw toTypedError(stage, result.error, result.failure);
      const waitForChaincode = result.failure.reason === 'chaincode_unavailable';
      if (!waitForChaincode) counted++;
      this.metrics.retries.inc({ stage, reason: result.failure.reason });
      this.logger.debug(
        { stage, endpoint: lease.endpoint, reason: result.failure.reason },
        'retrying on another endpoint',
      );
      exclude.add(lease.endpoint);
      counters.endpoint++;
      if (counted < this.policy.maxEndpointAttempts) {
        const limits = waitForChaincode ? this.policy.resubmitBackoffMs : this.policy.transportBackoffMs;
        await sleepWithin(backoffMs(attempt, limits, this.random), deadline, stage);
      }
    }
    if (last && !last.ok) throw toTypedError(stage, last.error, last.failure);
    throw new EndpointsUnavailableError(stage, `${stage} failed: no attempt was made`);
  }

  /**
   * Submits and waits for the commit status. After the first submit attempt
   * only the same signed envelope is ever sent again. Which error a failure
   * becomes (definite or "outcome unknown") is decided by {@link EnvelopeOutcome}.
   */
  private async submitAndWait(
    transaction: Transaction,
    deadline: Deadline,
    d: Deadlines,
    counters: Counters,
  ): Promise<Status> {
    const outcome = new EnvelopeOutcome(transaction.getTransactionId());
    const txId = outcome.transactionId;
    // Budgets are per proposal: a fresh proposal after a conflict starts
    // afresh; `counters` only sums them for the result.
    let resubmits = 0;
    let statusLookups = 0;
    const blamed = new Set<string>();
    let envelope: Uint8Array | undefined;
    let commitRequest: Uint8Array | undefined;

    const send = async (): Promise<void> => {
      const exclude = new Set<string>();
      for (;;) {
        if (outcome.sent) {
          if (resubmits >= this.policy.maxResubmits)
            throw outcome.failure(`gave up after ${resubmits} resends`, undefined);
          resubmits++;
          counters.resubmits++;
        }
        const lease = await acquireSafely(this.pool, {
          exclude,
          deadline,
          admitted: true,
          stage: 'submit',
        }).catch((e: unknown) => {
          throw outcome.failure('no endpoint to (re)send the envelope to', e);
        });
        outcome.sending();
        const result = await this.attempt(
          'submit',
          lease,
          async (gateway) => {
            const tx = envelope ? gateway.newTransaction(envelope) : transaction;
            try {
              return await tx.submit({ deadline: deadline.forStage(d.submitMs) });
            } finally {
              // Signed during submit(): from now on the exact same bytes are resent.
              envelope ??= tx.getBytes();
            }
          },
          blamed,
        );
        if (result.ok) {
          outcome.acknowledged();
          commitRequest = result.value.getBytes();
          return;
        }
        if (decide('submit', result.failure) === 'fail') {
          throw outcome.failure('the gateway failed the send', result.error, () =>
            toTypedError('submit', result.error, result.failure, txId),
          );
        }
        outcome.sendMayHaveFailed(result.error);
        this.metrics.retries.inc({ stage: 'submit', reason: result.failure.reason });
        this.logger.warn(
          { txId, endpoint: lease.endpoint, reason: result.failure.reason },
          'submit failed; resending the same envelope',
        );
        if (result.failure.endpointFault) exclude.add(lease.endpoint);
        await sleepWithin(
          backoffMs(resubmits, this.policy.resubmitBackoffMs, this.random),
          deadline,
          'submit',
        ).catch((e: unknown) => {
          throw outcome.failure('overall deadline passed while resending', e);
        });
      }
    };

    await send();
    const exclude = new Set<string>();
    for (;;) {
      const request = commitRequest;
      if (!request) throw outcome.failure('no commit status request', undefined);
      const lease = await acquireSafely(this.pool, {
        exclude,
        deadline,
        admitted: true,
        stage: 'commitStatus',
      }).catch((e: unknown) => {
        throw outcome.failure('no endpoint to ask for the commit status', e);
      });
      const result = await this.attempt(
        'commitStatus',
        lease,
        (gateway) => gateway.newCommit(request).getStatus({ deadline: deadline.forStage(d.commitStatusMs) }),
        blamed,
      );
      if (result.ok) return result.value;
      const action = decide('commitStatus', result.failure);
      if (action === 'fail') throw outcome.failure('commit status lookup failed', result.error);
      if (deadline.expired())
        throw outcome.failure('overall deadline passed waiting for the commit status', result.error);
      this.metrics.retries.inc({ stage: 'commitStatus', reason: result.failure.reason });
      if (action === 'resend-envelope') {
        // No commit within the wait: the transaction may have been lost (e.g.
        // during a Raft leader election). Resending the same envelope is
        // harmless: if the first copy commits, the second is DUPLICATE_TXID.
        this.logger.warn({ txId }, 'no commit status in time; resending the same envelope');
        await send();
      } else {
        statusLookups++;
        counters.statusLookups++;
        if (statusLookups > this.policy.maxStatusAttempts) {
          throw outcome.failure('commit status unavailable from every endpoint', result.error);
        }
        if (result.failure.endpointFault) exclude.add(lease.endpoint);
        await sleepWithin(
          backoffMs(statusLookups, this.policy.transportBackoffMs, this.random),
          deadline,
          'commitStatus',
        ).catch((e: unknown) => {
          throw outcome.failure('overall deadline passed waiting for the commit status', e);
        });
      }
    }
  }

  /**
   * One stage call on a lease: timing, health accounting, classification.
   * Health: only connection-level failures count against an endpoint (the
   * pool also checks the connection is really down), plus timeouts of cheap
   * calls (evaluate), never long waits (endorse, submit, commit status). One
   * request counts a timeout against an endpoint at most once (`blamed`), so
   * no single request can eject a peer whatever its payload.
   */
  private async attempt<T>(
    stage: Stage,
    lease: Lease,
    call: (gateway: Gateway) => Promise<T>,
    blamed: Set<string> = new Set(),
  ): Promise<Attempt<T>> {
    const end = this.metrics.stageSeconds.startTimer({ stage });
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
}

/** pool.acquire, with any synchronous throw turned into a rejection the caller's `.catch` sees. */
function acquireSafely(pool: ConnectionPool, options: AcquireOptions): Promise<Lease> {
  return Promise.resolve().then(() => pool.acquire(options));
}

function newCounters(): Counters {
  return { endpoint: 0, conflicts: 0, resubmits: 0, statusLookups: 0 };
}

export { toTypedError, validationCodeName } from './outcomes';
