/**
 * Typed payments API over the payments chaincode (chaincode/README.md).
 * Every method returns the chaincode's typed result; rejections arrive as
 * {@link PaymentsError} subclasses. Submits go through the client's retry
 * rules; payments, issues, holds and refunds carry caller-chosen IDs, so
 * retrying a whole call after an unknown outcome is safe end to end.
 */
import type { FabpayClient } from '../client';
import type { ChaincodeEventStream, ChaincodeEventStreamOptions } from '../events/stream';
import type { Deadlines } from '../deadlines';
import { EVENT_NAMES, isValidShardCount, MAX_BATCH_LINES, MAX_SHARDS, SHARD_HINT_KEY } from '@fabpay/model';
import {
  AccountQueue,
  DEFAULT_MAX_CONCURRENT_PER_ACCOUNT,
  type AccountOrderingOptions,
} from './account-queue';
import { AllowanceMismatchError, PaymentNotFoundError, toPaymentsError } from './errors';
import type {
  Account,
  Allowance,
  Balance,
  CallerInfo,
  ConservationLine,
  Credit,
  Currency,
  Fold,
  Governance,
  GovernanceProposal,
  GovernanceTerms,
  HistoryEntry,
  Hold,
  Issuance,
  Limits,
  Page,
  Payment,
  PaymentBatch,
  PaymentEvent,
  PaymentEventName,
  Refund,
  ShardBalances,
  Supply,
} from './types';

/** Amounts: decimal strings of minor units. bigint is accepted and stringified. */
export type Amount = string | bigint;

export interface PaymentsOptions {
  /** Chaincode name on the channel (default `payments`). */
  readonly chaincode?: string;
  /** Contract name (default: the chaincode's default contract). */
  readonly contract?: string;
  /** Deadline overrides for every call made through this API. */
  readonly deadlines?: Partial<Deadlines>;
  /**
   * Sends the calls that debit the same account (pay, payWithCredits, payFrom, payBatch, authorizeHold,
   * captureHold, releaseHold, expireHold, refund, redeem, foldCredits) one after another, in the
   * order they were made, so that a caller firing many payments from one account gets no
   * MVCC_READ_CONFLICT failures. On by default; `false` sends every call at once. A queued call's
   * deadlines start when it is sent; more than `maxQueuedPerAccount` waiting calls on one account
   * are refused with QueueFullError before anything is sent. Ordering holds within this
   * PaymentsClient: callers that share an account should share one. A sharded account (opened
   * with `shards`) runs up to min(shards, `maxConcurrentPerAccount`) debits at once, each sent
   * with its own shard hint, so they do not conflict with each other.
   */
  readonly orderDebits?: boolean | AccountOrderingOptions;
}

/** Options of {@link PaymentsClient.openAccount}. */
export interface OpenAccountOptions {
  /**
   * Split the account's funds across this many shards (1..64, default 1) so that many concurrent
   * debits of it need not conflict: a hot payer such as a PSP's settlement account (chaincode
   * README "Hot payers"). 1 opens exactly the account openAccount always opened.
   */
  readonly shards?: number;
}

/** Result of a state-changing call: the typed value plus where it committed. */
export interface Committed<T> {
  readonly value: T;
  readonly transactionId: string;
  readonly blockNumber: bigint;
}

/** Paging arguments (pageSize 1..100; bookmark "" for the first page). */
export interface PageRequest {
  readonly pageSize?: number;
  readonly bookmark?: string;
}

export interface PayRequest {
  readonly paymentId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: Amount;
  readonly currency: string;
  readonly reference?: string;
}

/** One line of {@link PayBatchRequest}. */
export interface BatchLineRequest {
  /** Scoped within the payer account like any payment ID; unique within the batch. */
  readonly paymentId: string;
  readonly to: string;
  readonly amount: Amount;
  readonly reference?: string;
}

/** A batch payout: up to {@link MAX_BATCH_LINES} payees paid from one account in one transaction. */
export interface PayBatchRequest {
  /** Idempotency key, scoped within the payer account. */
  readonly batchId: string;
  readonly from: string;
  readonly currency: string;
  readonly lines: readonly BatchLineRequest[];
}

export interface HoldRequest {
  readonly holdId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: Amount;
  readonly currency: string;
  /** ISO-8601 UTC (`2026-01-31T12:00:00.000Z`) or a Date. */
  readonly expiresAt: string | Date;
}

/** Options of {@link PaymentsClient.increaseAllowance} and {@link PaymentsClient.decreaseAllowance}. */
export interface AllowanceChangeOptions {
  /**
   * Read-then-approve rounds before giving up when the allowance keeps changing underneath
   * (ALLOWANCE_MISMATCH); default 3.
   */
  readonly attempts?: number;
}

const amount = (a: Amount): string => (typeof a === 'bigint' ? a.toString() : a);
const optionalAmount = (a: Amount | undefined): string => (a === undefined ? '' : amount(a));
const page = (p: PageRequest = {}): [string, string] => [String(p.pageSize ?? 100), p.bookmark ?? ''];

/**
 * The governance terms of `terms` only (a {@link Governance} also carries version and
 * updatedAt, which the chaincode refuses in terms).
 */
export function governanceTerms(terms: GovernanceTerms): GovernanceTerms {
  return {
    members: terms.members,
    issuers: terms.issuers,
    compliance: terms.compliance,
    maxClockSkewSeconds: terms.maxClockSkewSeconds,
    maxHoldSeconds: terms.maxHoldSeconds,
    custody: terms.custody,
  };
}

/** Terms as the chaincode takes them: JSON with exactly the six fields. */
export function governanceTermsJson(terms: GovernanceTerms): string {
  return JSON.stringify(governanceTerms(terms));
}

/*
 * Credit IDs: incoming money is a pending credit named by its source's full scope, which is what
 * foldCredits and payWithCredits take. listPendingCredits returns them too; these build the ID of
 * a credit the caller knows it caused without a query (the format is @fabpay/model's, the
 * chaincode's own).
 */
export {
  batchCreditId,
  captureCreditId,
  issueCreditId,
  paymentCreditId,
  refundCreditId,
} from '@fabpay/model';

/** Most lines one {@link PaymentsClient.payBatch} may carry (the chaincode's limit, from @fabpay/model). */
export { MAX_BATCH_LINES } from '@fabpay/model';

/**
 * The `lines` argument of payBatch: compact JSON of exactly the four fields per line, reference
 * "" when absent, amounts as decimal strings, so a replay sends the very bytes the chaincode
 * compares with.
 */
export function batchLinesJson(lines: readonly BatchLineRequest[]): string {
  return JSON.stringify(
    lines.map((l) => ({
      paymentId: l.paymentId,
      to: l.to,
      amount: amount(l.amount),
      reference: l.reference ?? '',
    })),
  );
}

export class PaymentsClient {
  readonly chaincode: string;
  private readonly contract: string | undefined;
  private readonly deadlines: Partial<Deadlines> | undefined;
  /** Per-account ordering of debits; undefined when turned off. */
  private readonly debits: AccountQueue | undefined;
  /** Most debits of one sharded account in flight at once. */
  private readonly maxConcurrent: number;
  /** Shard counts of the accounts known to be sharded (given, or learned from results). */
  private readonly shardCounts = new Map<string, number>();

  constructor(
    private readonly client: FabpayClient,
    options: PaymentsOptions = {},
  ) {
    this.chaincode = options.chaincode ?? 'payments';
    this.contract = options.contract;
    this.deadlines = options.deadlines;
    const ordering = options.orderDebits ?? true;
    const orderingOptions = typeof ordering === 'object' ? ordering : {};
    this.debits = ordering === false ? undefined : new AccountQueue(orderingOptions);
    const maxConcurrent = orderingOptions.maxConcurrentPerAccount ?? DEFAULT_MAX_CONCURRENT_PER_ACCOUNT;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(
        `maxConcurrentPerAccount must be a whole number >= 1, got ${String(maxConcurrent)}`,
      );
    }
    this.maxConcurrent = maxConcurrent;
    for (const [accountId, shards] of Object.entries(orderingOptions.accountShards ?? {})) {
      if (!isValidShardCount(shards)) {
        throw new RangeError(`accountShards.${accountId} must be a whole number from 1 to ${MAX_SHARDS}`);
      }
      this.learnShards(accountId, shards);
    }
  }

  // ---- accounts ----

  /**
   * Opens an account; `owner` "" (default) means the caller. With `shards` > 1 its funds are split
   * across that many shards (openShardedAccount); a count outside 1..64 is a RangeError before
   * anything is sent.
   */
  async openAccount(
    accountId: string,
    currency: string,
    owner = '',
    options: OpenAccountOptions = {},
  ): Promise<Committed<Account>> {
    const shards = options.shards ?? 1;
    if (!isValidShardCount(shards)) {
      throw new RangeError(`shards must be a whole number from 1 to ${MAX_SHARDS}, not ${String(shards)}`);
    }
    const opened =
      shards === 1
        ? await this.submit<Account>('openAccount', accountId, currency, owner)
        : await this.submit<Account>('openShardedAccount', accountId, currency, owner, String(shards));
    this.learnShards(accountId, opened.value.shards ?? 1);
    return opened;
  }
  /** Per-shard settled balances of an account (one entry for an account of one balance). */
  async getShards(accountId: string): Promise<ShardBalances> {
    const view = await this.evaluate<ShardBalances>('getShards', accountId);
    this.learnShards(accountId, view.shards);
    return view;
  }
  /**
   * Evens a sharded account's available funds out across its shards (owner or an admin of its
   * org). It reads every shard, so debits of the account in flight meanwhile may conflict and
   * are retried; run it when the account is quiet, or rely on the chaincode, which evens the
   * shards out itself whenever a debit finds its shard short and on every fold.
   */
  rebalanceShards(accountId: string): Promise<Committed<ShardBalances>> {
    return this.submit('rebalanceShards', accountId);
  }
  closeAccount(accountId: string): Promise<Committed<Account>> {
    return this.submit('closeAccount', accountId);
  }
  async getAccount(accountId: string): Promise<Account> {
    const account = await this.evaluate<Account>('getAccount', accountId);
    this.learnShards(accountId, account.shards ?? 1);
    return account;
  }
  listAccountsByOwner(owner = '', p?: PageRequest): Promise<Page<Account>> {
    return this.evaluate('listAccountsByOwner', owner, ...page(p));
  }

  // ---- issuance ----

  /** Issues new money into an account (role `issuer`); idempotent by operationId. */
  issue(operationId: string, accountId: string, value: Amount): Promise<Committed<Issuance>> {
    return this.submit('issue', operationId, accountId, amount(value));
  }
  /** Redeems (destroys) money from an account (role `issuer`); idempotent by operationId. */
  redeem(operationId: string, accountId: string, value: Amount): Promise<Committed<Issuance>> {
    return this.debit(accountId, 'redeem', operationId, accountId, amount(value));
  }
  getSupply(currency: string): Promise<Supply> {
    return this.evaluate('getSupply', currency);
  }
  /** An issue or redeem, by issuing MSP, currency and operation ID (the ID's scope). */
  getOperation(mspId: string, currency: string, operationId: string): Promise<Issuance> {
    return this.evaluate('getOperation', mspId, currency, operationId);
  }

  // ---- governance ----

  /**
   * Writes the genesis governance (once; an org admin of a named member). Every endorser refuses
   * terms other than the ones its operator configured (GENESIS_MISMATCH).
   */
  initGovernance(terms: GovernanceTerms): Promise<Committed<Governance>> {
    return this.submit('initGovernance', governanceTermsJson(terms));
  }
  /**
   * Proposes complete new terms (an org admin of a member); the proposer's org approves first.
   * The result's `status` is `applied` when that alone is a majority.
   */
  proposeGovernance(proposalId: string, terms: GovernanceTerms): Promise<Committed<GovernanceProposal>> {
    return this.submit('proposeGovernance', proposalId, governanceTermsJson(terms));
  }
  /**
   * Approves a proposal for the caller's org (an org admin of a member); the approval reaching a
   * majority of members applies it (`status` `applied`). PROPOSAL_STALE when another change
   * applied first.
   */
  approveGovernance(proposer: string, proposalId: string): Promise<Committed<GovernanceProposal>> {
    return this.submit('approveGovernance', proposer, proposalId);
  }
  getGovernance(): Promise<Governance> {
    return this.evaluate('getGovernance');
  }
  getGovernanceProposal(proposer: string, proposalId: string): Promise<GovernanceProposal> {
    return this.evaluate('getGovernanceProposal', proposer, proposalId);
  }
  listGovernanceProposals(p?: PageRequest): Promise<Page<GovernanceProposal>> {
    return this.evaluate('listGovernanceProposals', ...page(p));
  }

  // ---- payments ----

  /** Pays from an account the caller owns; idempotent by paymentId (scoped within `from`). */
  pay(req: PayRequest): Promise<Committed<Payment>> {
    return this.debit(
      req.from,
      'pay',
      req.paymentId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      req.reference ?? '',
    );
  }
  /**
   * Folds the named pending credits of `from` into its settled balance and pays, in one
   * transaction: how an account spends money it has just received without a separate fold.
   */
  payWithCredits(req: PayRequest & { readonly creditIds: readonly string[] }): Promise<Committed<Payment>> {
    return this.debit(
      req.from,
      'payWithCredits',
      req.paymentId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      req.reference ?? '',
      req.creditIds.join(','),
    );
  }
  /** Pays from someone else's account using an allowance; idempotent by paymentId. */
  payFrom(req: PayRequest): Promise<Committed<Payment>> {
    return this.debit(
      req.from,
      'payFrom',
      req.paymentId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      req.reference ?? '',
    );
  }
  /**
   * Pays every line of a batch from an account the caller owns, in one transaction: all lines or
   * none. Each line becomes a payment (getPayment(from, paymentId)); each payee gets one pending
   * credit per batch, `batchCreditId(from, batchId)`, the sum of its lines. Idempotent by batchId:
   * the same batch again returns the original result (its first transaction's `txId`) and pays
   * nothing; other lines under a used batchId are refused ({@link DuplicateIdError},
   * DUPLICATE_BATCH). A refusal names the line at fault (`lines[3] (paymentId "p4"): ...`) and
   * changes nothing. Outcomes are those of every submit: a value once committed, a typed
   * {@link PaymentsError} when refused, `TransactionOutcomeUnknownError` with the transaction ID
   * when it may or may not have committed (then {@link resolveBatch}, or send the same batch
   * again). More than {@link MAX_BATCH_LINES} lines, or none, is a RangeError before anything is
   * sent.
   */
  payBatch(req: PayBatchRequest): Promise<Committed<PaymentBatch>> {
    if (req.lines.length === 0 || req.lines.length > MAX_BATCH_LINES) {
      return Promise.reject(
        new RangeError(`a batch has 1 to ${MAX_BATCH_LINES} lines, not ${req.lines.length}`),
      );
    }
    return this.debit(req.from, 'payBatch', req.batchId, req.from, req.currency, batchLinesJson(req.lines));
  }
  /** A batch by its payer account and batch ID (batch IDs are scoped within the payer). */
  getBatch(from: string, batchId: string): Promise<PaymentBatch> {
    return this.evaluate('getBatch', from, batchId);
  }
  /**
   * Resolves an unknown batch outcome by batch ID: `settled` with the batch if it is on the
   * ledger, else `not-found` (then sending the same batch again is safe: the batch ID makes a
   * late-committing earlier attempt and the retry never both pay). The queried peer's view.
   */
  async resolveBatch(
    from: string,
    batchId: string,
  ): Promise<{ readonly state: 'settled'; readonly batch: PaymentBatch } | { readonly state: 'not-found' }> {
    try {
      return { state: 'settled', batch: await this.getBatch(from, batchId) };
    } catch (err) {
      if (err instanceof PaymentNotFoundError && err.paymentCode === 'BATCH_NOT_FOUND') {
        return { state: 'not-found' };
      }
      throw err;
    }
  }
  /**
   * Sets `spender`'s (an owner string) allowance on an account the caller owns, compare-and-set:
   * `expected` must be the current allowance ("0" when none), else {@link AllowanceMismatchError}
   * (ALLOWANCE_MISMATCH) and nothing changes. Amount "0" revokes. A spender can therefore never
   * spend the old allowance and then also get the new one through a race with the owner.
   */
  approve(
    accountId: string,
    spender: string,
    expected: Amount,
    value: Amount,
  ): Promise<Committed<Allowance>> {
    return this.submit('approve', accountId, spender, amount(expected), amount(value));
  }
  /**
   * Raises an allowance by `delta`: reads the current allowance and approves current + delta
   * with it as `expected`, reading again (up to `attempts` rounds) when it changed in between.
   * Unlike approve, not idempotent: after an unknown outcome, read the allowance before calling
   * again, or the increase may apply twice.
   */
  increaseAllowance(
    accountId: string,
    spender: string,
    delta: Amount,
    options: AllowanceChangeOptions = {},
  ): Promise<Committed<Allowance>> {
    const d = BigInt(amount(delta));
    return this.changeAllowance(accountId, spender, (current) => current + d, options);
  }
  /**
   * Lowers an allowance by `delta` (as {@link increaseAllowance}); refuses with a RangeError,
   * before submitting anything, to go below zero.
   */
  decreaseAllowance(
    accountId: string,
    spender: string,
    delta: Amount,
    options: AllowanceChangeOptions = {},
  ): Promise<Committed<Allowance>> {
    const d = BigInt(amount(delta));
    return this.changeAllowance(
      accountId,
      spender,
      (current) => {
        if (current < d)
          throw new RangeError(
            `allowance of ${spender} on ${accountId} is ${current}; cannot decrease it by ${d}`,
          );
        return current - d;
      },
      options,
    );
  }
  private async changeAllowance(
    accountId: string,
    spender: string,
    next: (current: bigint) => bigint,
    { attempts = 3 }: AllowanceChangeOptions,
  ): Promise<Committed<Allowance>> {
    for (let attempt = 1; ; attempt++) {
      const current = BigInt((await this.getAllowance(accountId, spender)).amount);
      try {
        return await this.approve(accountId, spender, current, next(current));
      } catch (err) {
        // Changed since the read (or the read came from a peer a block behind): read again.
        if (!(err instanceof AllowanceMismatchError) || attempt >= attempts) throw err;
      }
    }
  }
  getAllowance(accountId: string, spender: string): Promise<Allowance> {
    return this.evaluate('getAllowance', accountId, spender);
  }
  /** A payment by its payer account and payment ID (payment IDs are scoped within the payer). */
  getPayment(from: string, paymentId: string): Promise<Payment> {
    return this.evaluate('getPayment', from, paymentId);
  }
  /**
   * Resolves an unknown payment outcome by payment ID: `settled` with the
   * payment if it is on the ledger (its `txId` names the transaction that
   * applied it), else `not-found`. Payment IDs are idempotency keys, so after
   * `not-found` resubmitting the same payment is safe: the chaincode replays
   * a payment ID it already holds (same request: the original payment, no
   * writes), so a late-committing earlier attempt and the retry never both
   * apply.
   * The answer is the queried peer's view (it may be a block behind).
   */
  async resolvePayment(
    from: string,
    paymentId: string,
  ): Promise<{ readonly state: 'settled'; readonly payment: Payment } | { readonly state: 'not-found' }> {
    try {
      return { state: 'settled', payment: await this.getPayment(from, paymentId) };
    } catch (err) {
      if (err instanceof PaymentNotFoundError && err.paymentCode === 'PAYMENT_NOT_FOUND') {
        return { state: 'not-found' };
      }
      throw err;
    }
  }
  getPaymentHistory(accountId: string, p?: PageRequest): Promise<Page<HistoryEntry>> {
    return this.evaluate('getPaymentHistory', accountId, ...page(p));
  }

  // ---- holds (authorize / capture / release / expire) ----

  authorizeHold(req: HoldRequest): Promise<Committed<Hold>> {
    const expiresAt = req.expiresAt instanceof Date ? req.expiresAt.toISOString() : req.expiresAt;
    return this.debit(
      req.from,
      'authorizeHold',
      req.holdId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      expiresAt,
    );
  }
  /*
   * Card semantics: the payer authorizes; the payee captures (all or part) or releases; the
   * payer's only way out is expiry (expireHold, by anyone, once the transaction time has passed
   * expiresAt). Hold IDs are scoped within the payer account, so every call names it (`from`).
   */

  /** Captures up to the held amount (payee's owner; payer and payee active); the rest is released. */
  captureHold(from: string, holdId: string, value: Amount): Promise<Committed<Hold>> {
    return this.debit(from, 'captureHold', from, holdId, amount(value));
  }
  /** Releases a hold in full (payee's owner only). */
  releaseHold(from: string, holdId: string): Promise<Committed<Hold>> {
    return this.debit(from, 'releaseHold', from, holdId);
  }
  /** Expires a hold once the transaction time is at or past expiresAt (anyone). */
  expireHold(from: string, holdId: string): Promise<Committed<Hold>> {
    return this.debit(from, 'expireHold', from, holdId);
  }
  getHold(from: string, holdId: string): Promise<Hold> {
    return this.evaluate('getHold', from, holdId);
  }

  // ---- refunds ----

  /**
   * Refunds (part of) payment `paymentId` of payer account `from` (payee's owner); refunds never
   * exceed the payment. Idempotent by refundId, which is scoped within the payment.
   */
  async refund(
    from: string,
    paymentId: string,
    refundId: string,
    value: Amount,
    reason = '',
  ): Promise<Committed<Refund>> {
    const args = [from, paymentId, refundId, amount(value), reason];
    if (!this.debits) return this.submit('refund', ...args);
    // A refund debits the payee, which only the payment names: one query to find it. When the
    // query fails, the refund goes out unordered and the chaincode answers for it.
    const payee = await this.getPayment(from, paymentId).then(
      (p) => p.to,
      () => undefined,
    );
    return payee === undefined ? this.submit('refund', ...args) : this.debit(payee, 'refund', ...args);
  }
  getRefund(from: string, paymentId: string, refundId: string): Promise<Refund> {
    return this.evaluate('getRefund', from, paymentId, refundId);
  }

  // ---- compliance and limits ----

  freezeAccount(accountId: string, reason: string): Promise<Committed<Account>> {
    return this.submit('freezeAccount', accountId, reason);
  }
  unfreezeAccount(accountId: string): Promise<Committed<Account>> {
    return this.submit('unfreezeAccount', accountId);
  }
  /**
   * Sets the owner's own limits (the account's owner only); undefined or "" means none of its
   * own. Never looser than compliance's layer (else FORBIDDEN); debits obey the tighter of the two.
   */
  setLimits(accountId: string, perPayment?: Amount, perDay?: Amount): Promise<Committed<Limits>> {
    return this.submit('setLimits', accountId, optionalAmount(perPayment), optionalAmount(perDay));
  }
  /**
   * Sets compliance's limits (role compliance, MSP granted compliance over the owner's MSP);
   * undefined or "" means none.
   */
  setComplianceLimits(accountId: string, perPayment?: Amount, perDay?: Amount): Promise<Committed<Limits>> {
    return this.submit('setComplianceLimits', accountId, optionalAmount(perPayment), optionalAmount(perDay));
  }
  /** Both layers and the effective limits. */
  getLimits(accountId: string): Promise<Limits> {
    return this.evaluate('getLimits', accountId);
  }

  // ---- balances and reports ----

  getBalance(accountId: string): Promise<Balance> {
    return this.evaluate('getBalance', accountId);
  }
  listPendingCredits(accountId: string, p?: PageRequest): Promise<Page<Credit>> {
    return this.evaluate('listPendingCredits', accountId, ...page(p));
  }
  /** Folds pending credits (≤ 100 IDs) into the settled balance (owner, or an admin of its org); value-neutral. */
  foldCredits(accountId: string, creditIds: readonly string[]): Promise<Committed<Fold>> {
    return this.debit(accountId, 'foldCredits', accountId, creditIds.join(','));
  }
  /** Per-currency totals: balances held vs money issued minus redeemed. */
  async conservationReport(): Promise<ConservationLine[]> {
    return (await this.evaluate<{ items: ConservationLine[] }>('conservationReport')).items;
  }
  async listCurrencies(): Promise<Currency[]> {
    return (await this.evaluate<{ items: Currency[] }>('listCurrencies')).items;
  }
  whoami(): Promise<CallerInfo> {
    return this.evaluate('whoami');
  }

  // ---- events ----

  /**
   * Streams decoded payments events with a persistent checkpoint (see
   * ChaincodeEventStream). Events with names this version does not know are
   * skipped.
   */
  events(
    options: Omit<ChaincodeEventStreamOptions, 'chaincode' | 'handler'> & {
      readonly handler: (event: PaymentEvent) => void | Promise<void>;
    },
  ): ChaincodeEventStream {
    const { handler, ...rest } = options;
    return this.client.chaincodeEvents({
      ...rest,
      chaincode: this.chaincode,
      handler: async (e) => {
        if (!KNOWN_EVENTS.has(e.eventName)) return;
        const event = {
          name: e.eventName as PaymentEventName,
          payload: JSON.parse(Buffer.from(e.payload).toString('utf8')) as unknown,
          transactionId: e.transactionId,
          blockNumber: e.blockNumber,
        } as PaymentEvent;
        await handler(event);
      },
    });
  }

  // ---- generic ----

  /** Evaluates any transaction of the payments chaincode and parses its JSON result. */
  async evaluate<T>(transaction: string, ...args: string[]): Promise<T> {
    try {
      const bytes = await this.client.evaluate(this.request(transaction, args));
      return parse<T>(bytes);
    } catch (err) {
      throw toPaymentsError(err);
    }
  }

  /** Submits any transaction of the payments chaincode and parses its JSON result. */
  submit<T>(transaction: string, ...args: string[]): Promise<Committed<T>> {
    return this.submitWith<T>(transaction, args);
  }

  private async submitWith<T>(
    transaction: string,
    args: string[],
    transient?: Readonly<Record<string, string>>,
  ): Promise<Committed<T>> {
    try {
      const res = await this.client.submit({
        ...this.request(transaction, args),
        ...(transient ? { transient } : {}),
      });
      return { value: parse<T>(res.result), transactionId: res.transactionId, blockNumber: res.blockNumber };
    } catch (err) {
      throw toPaymentsError(err);
    }
  }

  /**
   * A submit that debits `account`, when ordering is on: after the earlier debits of that account,
   * or, for a sharded account, as soon as one of its min(shards, maxConcurrentPerAccount) slots is
   * free, sent with that slot as its shard hint (transient data the chaincode reads to pick the
   * shard). A retry after an MVCC conflict (a debit that swept every shard, a fold) reuses the same
   * request, hence the same shard.
   */
  private debit<T>(account: string, transaction: string, ...args: string[]): Promise<Committed<T>> {
    if (!this.debits) return this.submit<T>(transaction, ...args);
    const width = Math.min(this.shardCounts.get(account) ?? 1, this.maxConcurrent);
    if (width === 1) return this.debits.run(account, () => this.submit<T>(transaction, ...args));
    return this.debits.run(
      account,
      (slot) => this.submitWith<T>(transaction, args, { [SHARD_HINT_KEY]: String(slot) }),
      width,
    );
  }

  /**
   * Remembers an account's shard count (one shard is the default and is forgotten). A count that is
   * no valid one (a newer chaincode?) is ignored: the hint only spreads debits, it never decides
   * correctness.
   */
  private learnShards(accountId: string, shards: number): void {
    if (!isValidShardCount(shards)) return;
    if (shards === 1) this.shardCounts.delete(accountId);
    else this.shardCounts.set(accountId, shards);
  }

  private request(transaction: string, args: string[]) {
    return {
      chaincode: this.chaincode,
      ...(this.contract ? { contract: this.contract } : {}),
      transaction,
      args,
      ...(this.deadlines ? { deadlines: this.deadlines } : {}),
    };
  }
}

/** The event names {@link PaymentsClient.events} decodes (others are skipped): @fabpay/model's. */
export const PAYMENT_EVENT_NAMES: readonly PaymentEventName[] = EVENT_NAMES;

const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>(PAYMENT_EVENT_NAMES);

function parse<T>(bytes: Uint8Array): T {
  const text = Buffer.from(bytes).toString('utf8');
  // The chaincode returns JSON for every transaction; the cast is the
  // contract documented in chaincode/README.md, not validated field by field.
  return JSON.parse(text) as T;
}
