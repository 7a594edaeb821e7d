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
import { toPaymentsError } from './errors';
import type {
  Account,
  Allowance,
  Balance,
  CallerInfo,
  ConservationLine,
  Credit,
  Currency,
  Fold,
  HistoryEntry,
  Hold,
  Issuance,
  Limits,
  Page,
  Payment,
  PaymentEvent,
  PaymentEventName,
  Refund,
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

export interface HoldRequest {
  readonly holdId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: Amount;
  readonly currency: string;
  /** ISO-8601 UTC (`2026-01-31T12:00:00.000Z`) or a Date. */
  readonly expiresAt: string | Date;
}

const amount = (a: Amount): string => (typeof a === 'bigint' ? a.toString() : a);
const page = (p: PageRequest = {}): [string, string] => [String(p.pageSize ?? 100), p.bookmark ?? ''];

export class PaymentsClient {
  readonly chaincode: string;
  private readonly contract: string | undefined;
  private readonly deadlines: Partial<Deadlines> | undefined;

  constructor(
    private readonly client: FabpayClient,
    options: PaymentsOptions = {},
  ) {
    this.chaincode = options.chaincode ?? 'payments';
    this.contract = options.contract;
    this.deadlines = options.deadlines;
  }

  // ---- accounts ----

  /** Opens an account; `owner` "" (default) means the caller. */
  openAccount(accountId: string, currency: string, owner = ''): Promise<Committed<Account>> {
    return this.submit('openAccount', accountId, currency, owner);
  }
  closeAccount(accountId: string): Promise<Committed<Account>> {
    return this.submit('closeAccount', accountId);
  }
  getAccount(accountId: string): Promise<Account> {
    return this.evaluate('getAccount', accountId);
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
    return this.submit('redeem', operationId, accountId, amount(value));
  }
  getSupply(currency: string): Promise<Supply> {
    return this.evaluate('getSupply', currency);
  }

  // ---- payments ----

  /** Pays from an account the caller owns; idempotent by paymentId. */
  pay(req: PayRequest): Promise<Committed<Payment>> {
    return this.submit(
      'pay',
      req.paymentId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      req.reference ?? '',
    );
  }
  /** Pays from someone else's account using an allowance; idempotent by paymentId. */
  /**
   * Folds the named pending credits of `from` into its settled balance and pays, in one
   * transaction: how an account spends money it has just received without a separate fold.
   */
  payWithCredits(req: PayRequest & { readonly creditIds: readonly string[] }): Promise<Committed<Payment>> {
    return this.submit(
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
  payFrom(req: PayRequest): Promise<Committed<Payment>> {
    return this.submit(
      'payFrom',
      req.paymentId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      req.reference ?? '',
    );
  }
  /** Grants `spender` (an owner string) an allowance on an account; amount "0" revokes. */
  approve(accountId: string, spender: string, value: Amount): Promise<Committed<Allowance>> {
    return this.submit('approve', accountId, spender, amount(value));
  }
  getAllowance(accountId: string, spender: string): Promise<Allowance> {
    return this.evaluate('getAllowance', accountId, spender);
  }
  getPayment(paymentId: string): Promise<Payment> {
    return this.evaluate('getPayment', paymentId);
  }
  getPaymentHistory(accountId: string, p?: PageRequest): Promise<Page<HistoryEntry>> {
    return this.evaluate('getPaymentHistory', accountId, ...page(p));
  }

  // ---- holds (authorize / capture / release / expire) ----

  authorizeHold(req: HoldRequest): Promise<Committed<Hold>> {
    const expiresAt = req.expiresAt instanceof Date ? req.expiresAt.toISOString() : req.expiresAt;
    return this.submit(
      'authorizeHold',
      req.holdId,
      req.from,
      req.to,
      amount(req.amount),
      req.currency,
      expiresAt,
    );
  }
  /** Captures up to the held amount (the rest is released). */
  captureHold(holdId: string, value: Amount): Promise<Committed<Hold>> {
    return this.submit('captureHold', holdId, amount(value));
  }
  releaseHold(holdId: string): Promise<Committed<Hold>> {
    return this.submit('releaseHold', holdId);
  }
  expireHold(holdId: string): Promise<Committed<Hold>> {
    return this.submit('expireHold', holdId);
  }
  getHold(holdId: string): Promise<Hold> {
    return this.evaluate('getHold', holdId);
  }

  // ---- refunds ----

  refund(refundId: string, paymentId: string, value: Amount, reason = ''): Promise<Committed<Refund>> {
    return this.submit('refund', refundId, paymentId, amount(value), reason);
  }
  getRefund(refundId: string): Promise<Refund> {
    return this.evaluate('getRefund', refundId);
  }

  // ---- compliance and limits ----

  freezeAccount(accountId: string, reason: string): Promise<Committed<Account>> {
    return this.submit('freezeAccount', accountId, reason);
  }
  unfreezeAccount(accountId: string): Promise<Committed<Account>> {
    return this.submit('unfreezeAccount', accountId);
  }
  /** Sets limits; undefined or "" means no limit. */
  setLimits(accountId: string, perPayment?: Amount, perDay?: Amount): Promise<Committed<Limits>> {
    return this.submit(
      'setLimits',
      accountId,
      perPayment === undefined ? '' : amount(perPayment),
      perDay === undefined ? '' : amount(perDay),
    );
  }
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
  /** Folds pending credits (≤ 100 IDs) into the settled balance; value-neutral. */
  foldCredits(accountId: string, creditIds: readonly string[]): Promise<Committed<Fold>> {
    return this.submit('foldCredits', accountId, creditIds.join(','));
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
  async submit<T>(transaction: string, ...args: string[]): Promise<Committed<T>> {
    try {
      const res = await this.client.submit(this.request(transaction, args));
      return { value: parse<T>(res.result), transactionId: res.transactionId, blockNumber: res.blockNumber };
    } catch (err) {
      throw toPaymentsError(err);
    }
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

const KNOWN_EVENTS: ReadonlySet<string> = new Set<PaymentEventName>([
  'AccountOpened',
  'AccountClosed',
  'AccountFrozen',
  'AccountUnfrozen',
  'LimitsSet',
  'Issued',
  'Redeemed',
  'AllowanceApproved',
  'PaymentSettled',
  'HoldAuthorized',
  'HoldCaptured',
  'HoldReleased',
  'HoldExpired',
  'PaymentRefunded',
  'CreditsFolded',
]);

function parse<T>(bytes: Uint8Array): T {
  const text = Buffer.from(bytes).toString('utf8');
  // The chaincode returns JSON for every transaction; the cast is the
  // contract documented in chaincode/README.md, not validated field by field.
  return JSON.parse(text) as T;
}
