/**
 * A Jepsen-style history of payment operations, and its checker (DESIGN.md, "Testing and measuring").
 *
 * Every client operation (one `pay` call) is recorded as `invoked` and then exactly one completion:
 *
 * - `ok`: the client said the payment committed (with the transaction and the record it returned);
 * - `failed`: the client said it did not commit: a typed client error other than
 *   OUTCOME_UNKNOWN (a chaincode rejection, an invalid transaction, a refused first submit, ...).
 *   That is a claim, and the checker holds the client to it;
 * - `unknown`: the client could not say (TransactionOutcomeUnknownError, or anything that is not a
 *   typed client error, such as a test timeout).
 *
 * After the run, {@link check} reads the ledger once every operation has settled and reports:
 *
 * - an ok payment missing from the ledger, or on it with another payer, payee, amount or currency
 *   than asked, or with another record than the caller was given;
 * - a payment committed by an operation reported failed: the ledger's transaction ID is one a
 *   failed operation carried, or no ok or unknown operation of the payment can explain it;
 * - money applied twice: each account's balance change must be exactly what the committed payments
 *   of the history move (payment IDs commit once by construction, so a doubled payment shows here);
 * - an unknown that cannot be resolved: still in flight, or its ledger lookup failed. An unknown
 *   whose payment is on the ledger is resolved committed, one whose payment is absent (after every
 *   operation settled) resolved not committed;
 * - when the view can resolve transaction IDs (the client's `resolve`, by commit status): a
 *   transaction an operation was told failed that committed VALID, and a payment on the ledger
 *   whose applying transaction's commit status does not say committed;
 * - a currency whose conservation report does not balance.
 *
 * The checker itself needs no network: it reads through a {@link LedgerView}, which a suite builds
 * from a PaymentsClient with {@link ledgerView} (its self-test, history.test.ts, uses a fake one).
 *
 * Histories can outlive the client that recorded them: a client process appends each event as a
 * JSON line ({@link eventToJson}, {@link eventFromJson}); when it is killed, its operations still in
 * flight are completed unknown ({@link closeInFlight}: the caller never learned the outcome) and
 * its history is joined with the next client's ({@link mergeHistories}) before the check.
 */
import {
  FabpayError,
  TransactionOutcomeUnknownError,
  type Committed,
  type ConservationLine,
  type Payment,
  type TransactionResolution,
} from '@fabpay/gateway-client';

/** One payment as the caller asked for it; payment IDs are scoped within the payer account `from`. */
export interface PaymentSpec {
  readonly paymentId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly currency: string;
}

export type Completion = 'ok' | 'failed' | 'unknown';

/** One event of the history, in the order the client saw them. */
export interface HistoryEvent {
  /** Position in the history. */
  readonly index: number;
  /** The operation the event belongs to (an invocation and its completion share it). */
  readonly op: number;
  readonly type: 'invoked' | Completion;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly payment: PaymentSpec;
  /** The transaction ID, when the client told it (ok, and most failed and unknown completions). */
  readonly transactionId?: string | undefined;
  /** The payment record the client returned (ok). */
  readonly result?: Payment | undefined;
  /** What the client said (failed, unknown). */
  readonly error?: string | undefined;
}

/** The completion of an operation. */
export type CompletionEvent = HistoryEvent & { readonly type: Completion };

/** An operation: its invocation and its completion (undefined while in flight). */
export interface Operation {
  readonly op: number;
  readonly payment: PaymentSpec;
  readonly invoked: HistoryEvent;
  readonly completion: CompletionEvent | undefined;
}

/** How a client error counts: `failed` is the client's claim that nothing committed. */
export function classifyError(error: unknown): { type: 'failed' | 'unknown'; transactionId?: string } {
  const transactionId = (error as { transactionId?: unknown } | undefined)?.transactionId;
  const txId = typeof transactionId === 'string' && transactionId !== '' ? transactionId : undefined;
  const withTx = <T extends 'failed' | 'unknown'>(type: T) =>
    txId ? { type, transactionId: txId } : { type };
  if (error instanceof TransactionOutcomeUnknownError) return withTx('unknown');
  if (error instanceof FabpayError) return withTx(error.code === 'OUTCOME_UNKNOWN' ? 'unknown' : 'failed');
  return withTx('unknown');
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code =
      (error as { paymentCode?: unknown; code?: unknown }).paymentCode ?? (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code} ` : ''}${error.name}: ${error.message}`;
  }
  return String(error);
}

/** The key of a payment on the ledger: payer and payment ID. */
export const paymentKey = (p: { readonly from: string; readonly paymentId: string }): string =>
  `${p.from}/${p.paymentId}`;

/** A recorded history. Recording is synchronous, so the event order is the order the client saw. */
export class History {
  private readonly log: HistoryEvent[] = [];
  private readonly open = new Map<number, HistoryEvent>();
  private nextOp = 0;

  /**
   * @param now clock for event times
   * @param onEvent called synchronously with every event as it is recorded (a client process
   *   appends each to a file, so its history survives the process)
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly onEvent?: (event: HistoryEvent) => void,
  ) {}

  get events(): readonly HistoryEvent[] {
    return this.log;
  }

  /** Records an invocation; returns its operation number. */
  invoke(payment: PaymentSpec): number {
    const op = this.nextOp++;
    const event: HistoryEvent = { index: this.log.length, op, type: 'invoked', at: this.now(), payment };
    this.log.push(event);
    this.open.set(op, event);
    this.onEvent?.(event);
    return op;
  }

  /** Records the one completion of an operation. */
  complete(
    op: number,
    type: Completion,
    details: {
      transactionId?: string | undefined;
      result?: Payment | undefined;
      error?: string | undefined;
    } = {},
  ): void {
    const invoked = this.open.get(op);
    if (!invoked) throw new Error(`operation ${op} is not in flight (never invoked, or completed already)`);
    this.open.delete(op);
    const event: HistoryEvent = {
      index: this.log.length,
      op,
      type,
      at: this.now(),
      payment: invoked.payment,
      ...details,
    };
    this.log.push(event);
    this.onEvent?.(event);
  }

  /** The client said the payment committed. */
  ok(op: number, committed: Committed<Payment>): void {
    this.complete(op, 'ok', { transactionId: committed.transactionId, result: committed.value });
  }

  /** The client threw: failed or unknown, by {@link classifyError}. */
  error(op: number, error: unknown): Completion {
    const { type, transactionId } = classifyError(error);
    this.complete(op, type, { transactionId, error: errorText(error) });
    return type;
  }

  /** Runs one payment call and records it; rethrows what the call threw. */
  async record(payment: PaymentSpec, call: () => Promise<Committed<Payment>>): Promise<Committed<Payment>> {
    const op = this.invoke(payment);
    let committed: Committed<Payment>;
    try {
      committed = await call();
    } catch (error) {
      this.error(op, error);
      throw error;
    }
    this.ok(op, committed);
    return committed;
  }

  /** Every operation with its completion, in invocation order. */
  operations(): Operation[] {
    return operationsOf(this.log);
  }
}

/** Pairs invocations with completions; fails on a malformed history (a harness bug, not a finding). */
export function operationsOf(events: readonly HistoryEvent[]): Operation[] {
  const ops = new Map<number, { invoked: HistoryEvent; completion: CompletionEvent | undefined }>();
  for (const e of events) {
    const o = ops.get(e.op);
    if (e.type === 'invoked') {
      if (o) throw new Error(`operation ${e.op} invoked twice`);
      ops.set(e.op, { invoked: e, completion: undefined });
    } else {
      if (!o) throw new Error(`operation ${e.op} completed (${e.type}) without an invocation`);
      if (o.completion)
        throw new Error(`operation ${e.op} completed twice (${o.completion.type}, ${e.type})`);
      o.completion = e as CompletionEvent;
    }
  }
  return [...ops.entries()].map(([op, o]) => ({ op, payment: o.invoked.payment, ...o }));
}

// ---------------------------------------------------------------- histories across client processes

/** One event as a JSON line (amounts as decimal strings). */
export function eventToJson(event: HistoryEvent): string {
  return JSON.stringify({ ...event, payment: { ...event.payment, amount: event.payment.amount.toString() } });
}

/** An event from {@link eventToJson}'s line; fails on anything else (a harness bug, not a finding). */
export function eventFromJson(line: string): HistoryEvent {
  const e = JSON.parse(line) as Omit<HistoryEvent, 'payment'> & {
    payment: Omit<PaymentSpec, 'amount'> & { amount: string };
  };
  if (
    typeof e.index !== 'number' ||
    typeof e.op !== 'number' ||
    !['invoked', 'ok', 'failed', 'unknown'].includes(e.type) ||
    typeof e.payment?.paymentId !== 'string' ||
    typeof e.payment.amount !== 'string'
  )
    throw new Error(`not a history event: ${line}`);
  return { ...e, payment: { ...e.payment, amount: BigInt(e.payment.amount) } };
}

/**
 * Parses a history file written one event per line. A process killed mid-write leaves at most a
 * partial last line: it is dropped (that event never happened as far as anyone learned).
 */
export function eventsFromLines(text: string): HistoryEvent[] {
  // The piece after the last newline is empty, or the partial line of a killed writer.
  return text
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
    .map(eventFromJson);
}

/**
 * Completes every operation still in flight as `unknown`: its caller (a client process that was
 * killed) never learned the outcome, so the check resolves it on the ledger like any unknown.
 */
export function closeInFlight(
  events: readonly HistoryEvent[],
  reason: string,
  at = Date.now(),
): HistoryEvent[] {
  const out = [...events];
  for (const o of operationsOf(events)) {
    if (o.completion) continue;
    out.push({ index: out.length, op: o.op, type: 'unknown', at, payment: o.payment, error: reason });
  }
  return out;
}

/** Joins the histories of several clients (in order) into one; operation numbers stay distinct. */
export function mergeHistories(...parts: readonly (History | readonly HistoryEvent[])[]): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  let base = 0;
  for (const part of parts) {
    const events = part instanceof History ? part.events : part;
    let top = -1;
    for (const e of events) {
      out.push({ ...e, index: out.length, op: base + e.op });
      top = Math.max(top, e.op);
    }
    base += top + 1;
  }
  return out;
}

// ---------------------------------------------------------------- the ledger, as the checker reads it

/** What the commit status of a transaction ID says (`FabpayClient.resolve`). */
export type TransactionState = TransactionResolution['state'];

/** What the checker reads from the ledger. */
export interface LedgerView {
  /** The payment recorded under (payer, payment ID), or undefined when there is none. */
  getPayment(from: string, paymentId: string): Promise<Payment | undefined>;
  conservationReport(): Promise<readonly ConservationLine[]>;
  /**
   * The commit status of a transaction ID (optional). With it the checker also holds "failed"
   * reports to the transaction they name, and cross-checks each ledger record's `txId`.
   */
  transactionState?(transactionId: string): Promise<TransactionState>;
}

/**
 * A ledger view through the client's own resolution API: a payment by payer and payment ID with
 * `PaymentsClient.resolvePayment` (settled, or not-found; other errors propagate), and, given the
 * FabpayClient of the identity that submitted the payments, a transaction ID by its commit status
 * with `FabpayClient.resolve` (committed, invalid, or not found within `statusWaitMs`; the checker
 * runs once every peer has every block, so a transaction not committed by then is not found).
 */
export function ledgerView(
  payments: {
    resolvePayment(
      from: string,
      paymentId: string,
    ): Promise<{ readonly state: 'settled'; readonly payment: Payment } | { readonly state: 'not-found' }>;
    conservationReport(): Promise<ConservationLine[]>;
  },
  transactions?: { resolve(transactionId: string, timeoutMs?: number): Promise<TransactionResolution> },
  statusWaitMs = 2_000,
): LedgerView {
  return {
    async getPayment(from, paymentId) {
      const found = await payments.resolvePayment(from, paymentId);
      return found.state === 'settled' ? found.payment : undefined;
    },
    conservationReport: () => payments.conservationReport(),
    ...(transactions
      ? {
          transactionState: async (transactionId: string) =>
            (await transactions.resolve(transactionId, statusWaitMs)).state,
        }
      : {}),
  };
}

/** Holdings (available + held) of every account the history's payments touch, before and after the run. */
export interface BalanceWindow {
  readonly before: ReadonlyMap<string, bigint>;
  readonly after: ReadonlyMap<string, bigint>;
}

// ---------------------------------------------------------------- the check

export type ProblemKind =
  | 'in-flight'
  | 'ok-missing'
  | 'differs'
  | 'failed-committed'
  | 'unexplained-commit'
  | 'unresolved'
  | 'status-mismatch'
  | 'balance'
  | 'conservation';

export interface Problem {
  readonly kind: ProblemKind;
  /** The payment ({@link paymentKey}) or account or currency concerned. */
  readonly subject: string;
  readonly detail: string;
}

/** What became of one payment (all operations on one payer and payment ID). */
export interface PaymentVerdict {
  readonly key: string;
  readonly payment: PaymentSpec;
  readonly ops: {
    readonly ok: number;
    readonly failed: number;
    readonly unknown: number;
    readonly inFlight: number;
  };
  /** The record on the ledger; undefined when absent (or unreadable: then `lookupError`). */
  readonly onLedger: Payment | undefined;
  readonly lookupError?: string;
  /** committed: on the ledger; not-committed: absent; unresolved: lookup failed or still in flight. */
  readonly resolution: 'committed' | 'not-committed' | 'unresolved';
}

export interface HistoryReport {
  readonly operations: number;
  readonly completions: {
    readonly ok: number;
    readonly failed: number;
    readonly unknown: number;
    readonly inFlight: number;
  };
  readonly payments: number;
  /** Payments with an unknown operation, by what the ledger said (resubmitted ones included). */
  readonly unknownResolved: {
    readonly committed: number;
    readonly notCommitted: number;
    readonly unresolved: number;
  };
  /**
   * Transaction IDs carried by failed and unknown operations, by their commit status (all zero
   * when the ledger view cannot resolve transaction IDs).
   */
  readonly transactions: {
    readonly committed: number;
    readonly invalid: number;
    readonly notFound: number;
    readonly unresolved: number;
  };
  /** Payments on the ledger. */
  readonly committed: number;
  readonly verdicts: readonly PaymentVerdict[];
  readonly problems: readonly Problem[];
  readonly valid: boolean;
}

export interface CheckOptions {
  /** Account holdings before the first operation and after the last settled (every account the payments touch). */
  readonly balances: BalanceWindow;
  /** Currencies whose conservation line must balance; default every line of the report. */
  readonly currencies?: readonly string[];
  /** Ledger reads at once. */
  readonly concurrency?: number;
}

/** A record without the fields a later operation may change (refunds). */
const comparable = (p: Payment): string =>
  JSON.stringify(
    Object.keys(p)
      .filter((k) => k !== 'refunded')
      .sort()
      .map((k) => [k, (p as unknown as Record<string, unknown>)[k]]),
  );

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Checks a history against the ledger. Call it once every operation has settled and every peer
 * has the blocks (the suites wait for the same height everywhere first).
 */
export async function check(
  history: History | readonly HistoryEvent[],
  ledger: LedgerView,
  options: CheckOptions,
): Promise<HistoryReport> {
  const operations = history instanceof History ? history.operations() : operationsOf(history);
  const problems: Problem[] = [];
  const completions = { ok: 0, failed: 0, unknown: 0, inFlight: 0 };

  // Operations by payment; a payment ID names one payment only within its payer.
  const byPayment = new Map<string, Operation[]>();
  for (const o of operations) {
    const key = paymentKey(o.payment);
    const same = byPayment.get(key);
    if (same) same.push(o);
    else byPayment.set(key, [o]);
    if (o.completion) completions[o.completion.type]++;
    else completions.inFlight++;
  }

  const keys = [...byPayment.keys()];
  const looked = await mapLimit(keys, options.concurrency ?? 200, async (key) => {
    const first = byPayment.get(key)![0]!.payment;
    try {
      return { record: await ledger.getPayment(first.from, first.paymentId) };
    } catch (err) {
      return { error: errorText(err) };
    }
  });

  // Transaction IDs the client reported failed or unknown, by commit status (when the view can say).
  const carried = new Set<string>();
  for (const o of operations) {
    const c = o.completion;
    if (c && c.type !== 'ok' && c.transactionId) carried.add(c.transactionId);
  }
  const states = new Map<string, { state?: TransactionState; error?: string }>();
  const transactions = { committed: 0, invalid: 0, notFound: 0, unresolved: 0 };
  const stateOf = ledger.transactionState?.bind(ledger);
  if (stateOf) {
    const ids = [...carried];
    const found = await mapLimit(ids, options.concurrency ?? 200, async (id) => {
      try {
        return { state: await stateOf(id) };
      } catch (err) {
        return { error: errorText(err) };
      }
    });
    ids.forEach((id, i) => {
      const f = found[i]!;
      states.set(id, f);
      if (f.state === 'committed') transactions.committed++;
      else if (f.state === 'invalid') transactions.invalid++;
      else if (f.state === 'not-found') transactions.notFound++;
      else transactions.unresolved++;
    });
  }

  const verdicts: PaymentVerdict[] = [];
  const unknownResolved = { committed: 0, notCommitted: 0, unresolved: 0 };
  /** Net movement of committed payments per account. */
  const moved = new Map<string, bigint>();
  const move = (account: string, amount: bigint) => moved.set(account, (moved.get(account) ?? 0n) + amount);

  keys.forEach((key, i) => {
    const ops = byPayment.get(key)!;
    const payment = ops[0]!.payment;
    const of = (type: Completion) => ops.filter((o) => o.completion?.type === type);
    const ok = of('ok');
    const failed = of('failed');
    const unknown = of('unknown');
    const inFlight = ops.filter((o) => !o.completion);
    const counts = {
      ok: ok.length,
      failed: failed.length,
      unknown: unknown.length,
      inFlight: inFlight.length,
    };
    const { record, error } = looked[i]!;
    const add = (kind: ProblemKind, detail: string) => problems.push({ kind, subject: key, detail });

    // Asked differently under the same ID: the history itself is inconsistent.
    for (const o of ops.slice(1)) {
      if (describeSpec(o.payment) !== describeSpec(payment))
        add(
          'differs',
          `operation ${o.op} asked ${describeSpec(o.payment)}, operation ${ops[0]!.op} ${describeSpec(payment)}`,
        );
    }
    if (inFlight.length > 0)
      add(
        'in-flight',
        `operation(s) ${inFlight.map((o) => o.op).join(', ')} never completed: the run has not settled`,
      );

    let resolution: PaymentVerdict['resolution'];
    if (error !== undefined) {
      resolution = 'unresolved';
      add('unresolved', `ledger lookup failed (${error}); ${describeCounts(counts)}`);
    } else if (inFlight.length > 0) {
      resolution = 'unresolved';
    } else {
      resolution = record ? 'committed' : 'not-committed';
    }
    if (unknown.length > 0) {
      if (resolution === 'committed') unknownResolved.committed++;
      else if (resolution === 'not-committed') unknownResolved.notCommitted++;
      else unknownResolved.unresolved++;
    }
    verdicts.push({
      key,
      payment,
      ops: counts,
      onLedger: record,
      ...(error !== undefined ? { lookupError: error } : {}),
      resolution,
    });
    // Every transaction an operation was told failed: never committed VALID (a transaction ID
    // commits at most once, so "failed" and a VALID commit contradict, whatever it wrote).
    const flagged = new Set<string>();
    for (const o of failed) {
      const tx = o.completion!.transactionId;
      const st = tx ? states.get(tx) : undefined;
      if (tx && st?.state === 'committed') {
        flagged.add(tx);
        add(
          'failed-committed',
          `operation ${o.op} was told failed (${o.completion!.error}), but its transaction ${tx} committed VALID`,
        );
      } else if (st?.error !== undefined)
        add('unresolved', `commit status of transaction ${tx} (operation ${o.op}, told failed): ${st.error}`);
    }
    if (error !== undefined) return;

    if (!record) {
      for (const o of ok)
        add(
          'ok-missing',
          `operation ${o.op} was told committed (tx ${o.completion!.transactionId}) but the ledger has no such payment`,
        );
      return;
    }

    // On the ledger: as asked?
    if (
      record.from !== payment.from ||
      record.paymentId !== payment.paymentId ||
      record.to !== payment.to ||
      record.amount !== payment.amount.toString() ||
      record.currency !== payment.currency
    )
      add('differs', `ledger has ${describeRecord(record)}, asked ${describeSpec(payment)}`);
    // Every ok caller was given the record that is on the ledger.
    for (const o of ok) {
      const given = o.completion!.result;
      if (given && comparable(given) !== comparable(record))
        add(
          'differs',
          `operation ${o.op} was given ${JSON.stringify(given)}, the ledger has ${JSON.stringify(record)}`,
        );
    }
    // Which operation committed it? Not one the client reported failed.
    const failedBy = failed.find((o) => o.completion!.transactionId === record.txId);
    const explained =
      ok.some((o) => o.completion!.transactionId === record.txId) ||
      unknown.some((o) => o.completion!.transactionId === record.txId || !o.completion!.transactionId);
    if (failedBy) {
      // Already named above when its commit status said so.
      if (!flagged.has(record.txId))
        add(
          'failed-committed',
          `committed by transaction ${record.txId}, which operation ${failedBy.op} was told failed (${failedBy.completion!.error})`,
        );
    } else if (!explained)
      add(
        failed.length > 0 ? 'failed-committed' : 'unexplained-commit',
        `committed by transaction ${record.txId}, which no ok or unknown operation carried (${describeCounts(counts)}` +
          `${failed.length > 0 ? `; failed: ${failed.map((o) => `${o.op} ${o.completion!.transactionId ?? 'no tx'} ${o.completion!.error}`).join('; ')}` : ''})`,
      );

    // The transaction the ledger names, if the client reported it unknown: its commit status agrees.
    const applied = states.get(record.txId);
    if (applied?.state !== undefined && applied.state !== 'committed')
      add(
        'status-mismatch',
        `the ledger's record names transaction ${record.txId}, whose commit status says ${applied.state}`,
      );

    const amount = BigInt(record.amount);
    move(record.from, -amount);
    move(record.to, amount);
  });

  // Money applied twice (or at all, by something the history does not know) shows in the balances.
  const accounts = new Set<string>([...moved.keys()]);
  for (const o of operations) {
    accounts.add(o.payment.from);
    accounts.add(o.payment.to);
  }
  for (const account of [...accounts].sort()) {
    const before = options.balances.before.get(account);
    const after = options.balances.after.get(account);
    if (before === undefined || after === undefined) {
      problems.push({
        kind: 'balance',
        subject: account,
        detail: `no ${before === undefined ? 'before' : 'after'} balance: the payments touch it, the check cannot`,
      });
      continue;
    }
    const expected = moved.get(account) ?? 0n;
    if (after - before !== expected)
      problems.push({
        kind: 'balance',
        subject: account,
        detail: `holdings changed by ${after - before} (${before} -> ${after}), the committed payments move ${expected}`,
      });
  }

  // Money conserved, per currency.
  let lines: readonly ConservationLine[] = [];
  try {
    lines = await ledger.conservationReport();
  } catch (err) {
    problems.push({
      kind: 'conservation',
      subject: '*',
      detail: `conservation report failed: ${errorText(err)}`,
    });
  }
  for (const currency of options.currencies ?? []) {
    if (!lines.some((l) => l.currency === currency))
      problems.push({ kind: 'conservation', subject: currency, detail: 'no conservation line' });
  }
  for (const l of lines) {
    if (options.currencies && !options.currencies.includes(l.currency)) continue;
    const total = BigInt(l.available) + BigInt(l.held) + BigInt(l.pending);
    const outstanding = BigInt(l.issued) - BigInt(l.redeemed);
    if (
      !l.balanced ||
      total !== BigInt(l.total) ||
      total !== BigInt(l.outstanding) ||
      outstanding !== BigInt(l.outstanding)
    )
      problems.push({
        kind: 'conservation',
        subject: l.currency,
        detail: `not conserved: available ${l.available} + held ${l.held} + pending ${l.pending} = ${total} (total ${l.total}), issued ${l.issued} - redeemed ${l.redeemed} = ${outstanding} (outstanding ${l.outstanding}), balanced ${l.balanced}`,
      });
  }

  return {
    operations: operations.length,
    completions,
    payments: keys.length,
    unknownResolved,
    transactions,
    committed: verdicts.filter((v) => v.resolution === 'committed').length,
    verdicts,
    problems,
    valid: problems.length === 0,
  };
}

const describeSpec = (p: PaymentSpec): string =>
  `${p.from} -> ${p.to} ${p.amount} ${p.currency} (${p.paymentId})`;
const describeRecord = (p: Payment): string =>
  `${p.from} -> ${p.to} ${p.amount} ${p.currency} (${p.paymentId}, tx ${p.txId})`;
const describeCounts = (c: PaymentVerdict['ops']): string =>
  `${c.ok} ok, ${c.failed} failed, ${c.unknown} unknown, ${c.inFlight} in flight`;

/** One line for logs. */
export function summarize(report: HistoryReport): string {
  const c = report.completions;
  const u = report.unknownResolved;
  const t = report.transactions;
  return (
    `${report.operations} operations (${c.ok} ok, ${c.failed} failed, ${c.unknown} unknown, ${c.inFlight} in flight) ` +
    `on ${report.payments} payments, ${report.committed} on the ledger; unknowns resolved: ${u.committed} committed, ` +
    `${u.notCommitted} not committed, ${u.unresolved} unresolved; failed/unknown transaction IDs by commit status: ` +
    `${t.committed} committed, ${t.invalid} invalid, ${t.notFound} not found, ${t.unresolved} unresolved; ` +
    `${report.problems.length} problem(s)`
  );
}

/** Thrown by {@link assertHistory}: the report, and its problems in the message. */
export class HistoryCheckError extends Error {
  constructor(readonly report: HistoryReport) {
    const shown = report.problems.slice(0, 20).map((p) => `  ${p.kind} ${p.subject}: ${p.detail}`);
    const more =
      report.problems.length > shown.length
        ? [`  ... and ${report.problems.length - shown.length} more`]
        : [];
    super(`history check failed: ${summarize(report)}\n${[...shown, ...more].join('\n')}`);
    this.name = 'HistoryCheckError';
  }
}

/** Checks the history; throws {@link HistoryCheckError} (failing the test) on any problem. */
export async function assertHistory(
  history: History | readonly HistoryEvent[],
  ledger: LedgerView,
  options: CheckOptions,
): Promise<HistoryReport> {
  const report = await check(history, ledger, options);
  if (!report.valid) throw new HistoryCheckError(report);
  return report;
}
