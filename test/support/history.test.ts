/**
 * The history checker, checked: a fake ledger view drives it without Fabric. It passes a correct
 * history and fails each deliberately injected misreport (an ok payment absent from the ledger, a
 * failed payment present, a doubled payment, an unresolvable unknown, money not conserved).
 *
 * Runs in the `test-support` jest project (no global setup, no network): see jest.config.js.
 */
import {
  ChaincodeError,
  EndpointsUnavailableError,
  PaymentsError,
  TransactionInvalidError,
  TransactionOutcomeUnknownError,
  type ConservationLine,
  type Payment,
} from '@fabpay/gateway-client';
import {
  assertHistory,
  check,
  classifyError,
  closeInFlight,
  eventFromJson,
  eventsFromLines,
  eventToJson,
  History,
  HistoryCheckError,
  ledgerView,
  mergeHistories,
  operationsOf,
  paymentKey,
  type BalanceWindow,
  type HistoryEvent,
  type LedgerView,
  type PaymentSpec,
  type ProblemKind,
  type TransactionState,
} from './history';

const spec = (n: number, amount = 100n + BigInt(n)): PaymentSpec => ({
  paymentId: `pay${n}`,
  from: `payer${n}`,
  to: 'merchant',
  amount,
  currency: 'USD',
});

const record = (s: PaymentSpec, txId: string): Payment => ({
  paymentId: s.paymentId,
  from: s.from,
  to: s.to,
  amount: s.amount.toString(),
  currency: s.currency,
  reference: 'live test',
  via: 'owner',
  initiator: 'Org1MSP::bob',
  status: 'settled',
  refunded: '0',
  at: '2026-01-01T00:00:00.000Z',
  txId,
});

const committed = (s: PaymentSpec, txId: string, value = record(s, txId)) => ({
  value,
  transactionId: txId,
  blockNumber: 7n,
});

/** A ledger in memory: payments by key, a conservation report, lookups that fail for chosen keys. */
class FakeLedger implements LedgerView {
  readonly payments = new Map<string, Payment>();
  readonly unreadable = new Set<string>();
  /** Commit status by transaction ID, when the view resolves them (see `withStatuses`). */
  statuses: Map<string, TransactionState> | undefined;
  lines: ConservationLine[] = [
    {
      currency: 'USD',
      available: '900',
      held: '0',
      pending: '100',
      total: '1000',
      issued: '1000',
      redeemed: '0',
      outstanding: '1000',
      balanced: true,
    },
  ];
  commit(p: Payment): void {
    this.payments.set(paymentKey(p), p);
  }
  getPayment(from: string, paymentId: string): Promise<Payment | undefined> {
    const key = paymentKey({ from, paymentId });
    if (this.unreadable.has(key)) return Promise.reject(new Error('UNAVAILABLE: no peer answered'));
    return Promise.resolve(this.payments.get(key));
  }
  conservationReport(): Promise<ConservationLine[]> {
    return Promise.resolve(this.lines);
  }
  /** Resolves transaction IDs too: every payment's applying transaction committed, plus `extra`. */
  withStatuses(extra: Record<string, TransactionState> = {}): LedgerView {
    this.statuses = new Map([...[...this.payments.values()].map((p) => [p.txId, 'committed'] as const)]);
    for (const [tx, st] of Object.entries(extra)) this.statuses.set(tx, st);
    return {
      getPayment: (from, id) => this.getPayment(from, id),
      conservationReport: () => this.conservationReport(),
      transactionState: (tx) => Promise.resolve(this.statuses!.get(tx) ?? 'not-found'),
    };
  }
}

/** Balances consistent with the ledger: every account starts at 1000, then the ledger's payments move money. */
function balancesFor(ledger: FakeLedger, accounts: readonly string[]): BalanceWindow {
  const before = new Map(accounts.map((a) => [a, 1000n]));
  const after = new Map(before);
  for (const p of ledger.payments.values()) {
    after.set(p.from, after.get(p.from)! - BigInt(p.amount));
    after.set(p.to, after.get(p.to)! + BigInt(p.amount));
  }
  return { before, after };
}

const accounts = ['merchant', ...Array.from({ length: 8 }, (_, i) => `payer${i}`)];
const kinds = (problems: readonly { kind: ProblemKind }[]): ProblemKind[] => [
  ...new Set(problems.map((p) => p.kind)),
];

/**
 * A correct history of every shape: ok; failed and absent; unknown and committed; unknown and not
 * committed; failed first (without a transaction), then resubmitted ok and committed by the resubmission;
 * unknown, then a resubmission that got the original record back.
 */
function correctRun(): { history: History; ledger: FakeLedger } {
  const history = new History();
  const ledger = new FakeLedger();
  // 0: ok.
  let op = history.invoke(spec(0));
  ledger.commit(record(spec(0), 'tx0'));
  history.ok(op, committed(spec(0), 'tx0'));
  // 1: failed (chaincode rejection at endorsement), not on the ledger.
  op = history.invoke(spec(1));
  history.error(op, new PaymentsError('INSUFFICIENT_FUNDS', 'funds', 'not enough'));
  // 2: unknown, and it did commit.
  op = history.invoke(spec(2));
  ledger.commit(record(spec(2), 'tx2'));
  history.error(op, new TransactionOutcomeUnknownError('tx2', 'no commit status'));
  // 3: unknown, and it did not.
  op = history.invoke(spec(3));
  history.error(op, new TransactionOutcomeUnknownError('tx3', 'no commit status'));
  // 4: failed before anything was ordered, then resubmitted: committed by the resubmission.
  op = history.invoke(spec(4));
  history.error(op, new EndpointsUnavailableError('endorse', 'endorse failed'));
  op = history.invoke(spec(4));
  ledger.commit(record(spec(4), 'tx4b'));
  history.ok(op, committed(spec(4), 'tx4b'));
  // 5: unknown (committed as tx5), resubmitted: the replay returns the original record.
  op = history.invoke(spec(5));
  ledger.commit(record(spec(5), 'tx5'));
  history.error(op, new TransactionOutcomeUnknownError('tx5', 'overall deadline passed'));
  op = history.invoke(spec(5));
  history.ok(op, committed(spec(5), 'tx5-replay', record(spec(5), 'tx5')));
  return { history, ledger };
}

describe('history recording', () => {
  it('records each operation as invoked, then exactly one completion, with its transaction ID', async () => {
    const history = new History(() => 42);
    await history.record(spec(0), () => Promise.resolve(committed(spec(0), 'tx0')));
    await expect(
      history.record(spec(1), () =>
        Promise.reject(new TransactionInvalidError('ENDORSEMENT_POLICY_FAILURE', 'tx1', 9n)),
      ),
    ).rejects.toThrow(TransactionInvalidError);
    await expect(
      history.record(spec(2), () => Promise.reject(new TransactionOutcomeUnknownError('tx2', 'unknown'))),
    ).rejects.toThrow(TransactionOutcomeUnknownError);
    expect(history.events.map((e) => [e.op, e.type, e.transactionId])).toEqual([
      [0, 'invoked', undefined],
      [0, 'ok', 'tx0'],
      [1, 'invoked', undefined],
      [1, 'failed', 'tx1'],
      [2, 'invoked', undefined],
      [2, 'unknown', 'tx2'],
    ]);
    expect(() => history.complete(0, 'ok')).toThrow(/not in flight/);
    expect(() => history.complete(99, 'failed')).toThrow(/not in flight/);
  });

  it('classifies client errors: only OUTCOME_UNKNOWN and untyped errors are unknown', () => {
    expect(classifyError(new TransactionOutcomeUnknownError('t1', 'x'))).toEqual({
      type: 'unknown',
      transactionId: 't1',
    });
    expect(classifyError(new TransactionInvalidError('MVCC_READ_CONFLICT', 't2', 3n))).toEqual({
      type: 'failed',
      transactionId: 't2',
    });
    expect(classifyError(new ChaincodeError('LIMIT_EXCEEDED', 'too much', 't3'))).toEqual({
      type: 'failed',
      transactionId: 't3',
    });
    expect(classifyError(new PaymentsError('ACCOUNT_FROZEN', 'state', 'frozen'))).toEqual({ type: 'failed' });
    expect(classifyError(new Error('timed out after 150000 ms waiting for 300 payments'))).toEqual({
      type: 'unknown',
    });
  });

  it('reads the ledger through resolvePayment (not-found is absent, errors propagate) and resolve', async () => {
    const found = record(spec(0), 'tx0');
    const payments = {
      resolvePayment: (_from: string, paymentId: string) =>
        paymentId === 'pay0'
          ? Promise.resolve({ state: 'settled' as const, payment: found })
          : paymentId === 'pay1'
            ? Promise.resolve({ state: 'not-found' as const })
            : Promise.reject(new EndpointsUnavailableError('evaluate', 'down')),
      conservationReport: () => Promise.resolve([]),
    };
    const waits: (number | undefined)[] = [];
    const view = ledgerView(
      payments,
      {
        resolve: (transactionId: string, timeoutMs?: number) => {
          waits.push(timeoutMs);
          return Promise.resolve(
            transactionId === 'tx0'
              ? { state: 'committed', transactionId, validationCode: 'VALID', blockNumber: 3n }
              : { state: 'not-found', transactionId },
          );
        },
      },
      1_500,
    );
    await expect(view.getPayment('payer0', 'pay0')).resolves.toBe(found);
    await expect(view.getPayment('payer1', 'pay1')).resolves.toBeUndefined();
    await expect(view.getPayment('payer2', 'pay2')).rejects.toThrow(EndpointsUnavailableError);
    await expect(view.transactionState!('tx0')).resolves.toBe('committed');
    await expect(view.transactionState!('tx9')).resolves.toBe('not-found');
    expect(waits).toEqual([1_500, 1_500]);
    expect(ledgerView(payments).transactionState).toBeUndefined();
  });

  it('keeps a history in JSON lines: every event as it happens, a torn last line dropped', () => {
    const lines: string[] = [];
    const history = new History(
      () => 7,
      (e) => lines.push(eventToJson(e)),
    );
    const a = history.invoke(spec(0, 12345678901234567890n));
    history.ok(a, committed(spec(0, 12345678901234567890n), 'tx0'));
    const b = history.invoke(spec(1));
    history.error(b, new TransactionOutcomeUnknownError('tx1', 'lost'));
    history.invoke(spec(2));
    expect(lines.map(eventFromJson)).toEqual(history.events);
    const text = lines.map((l) => `${l}\n`).join('');
    expect(eventsFromLines(text)).toEqual(history.events);
    expect(eventsFromLines(text + lines[0]!.slice(0, 20))).toEqual(history.events);
    expect(() => eventFromJson('{"index":0}')).toThrow(/not a history event/);
  });

  it('closes the operations of a killed client as unknown and merges it with the next client', () => {
    const first = new History(() => 1);
    const a = first.invoke(spec(0));
    first.ok(a, committed(spec(0), 'tx0'));
    first.invoke(spec(1));
    first.invoke(spec(2));
    const closed = closeInFlight(first.events, 'client killed', 5);
    expect(closed.slice(first.events.length).map((e) => [e.op, e.type, e.at, e.error])).toEqual([
      [1, 'unknown', 5, 'client killed'],
      [2, 'unknown', 5, 'client killed'],
    ]);
    const second = new History(() => 9);
    const c = second.invoke(spec(1));
    second.ok(c, committed(spec(1), 'tx1'));
    const merged: HistoryEvent[] = mergeHistories(closed, second);
    expect(merged.map((e) => e.index)).toEqual(merged.map((_, i) => i));
    expect(operationsOf(merged).map((o) => [o.op, o.payment.paymentId, o.completion?.type])).toEqual([
      [0, 'pay0', 'ok'],
      [1, 'pay1', 'unknown'],
      [2, 'pay2', 'unknown'],
      [3, 'pay1', 'ok'],
    ]);
  });
});

describe('history checker', () => {
  it('passes a correct history and resolves every unknown', async () => {
    const { history, ledger } = correctRun();
    const report = await assertHistory(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(report.problems).toEqual([]);
    expect(report.completions).toEqual({ ok: 3, failed: 2, unknown: 3, inFlight: 0 });
    expect(report.unknownResolved).toEqual({ committed: 2, notCommitted: 1, unresolved: 0 });
    expect(report.committed).toBe(4);
    expect(Object.fromEntries(report.verdicts.map((v) => [v.payment.paymentId, v.resolution]))).toEqual({
      pay0: 'committed',
      pay1: 'not-committed',
      pay2: 'committed',
      pay3: 'not-committed',
      pay4: 'committed',
      pay5: 'committed',
    });
  });

  it('fails when an ok payment is absent from the ledger', async () => {
    const { history, ledger } = correctRun();
    const balances = balancesFor(ledger, accounts);
    ledger.payments.delete(paymentKey(spec(0)));
    const report = await check(history, ledger, { balances });
    expect(report.problems.filter((p) => p.kind === 'ok-missing').map((p) => p.subject)).toEqual([
      paymentKey(spec(0)),
    ]);
    await expect(assertHistory(history, ledger, { balances })).rejects.toThrow(HistoryCheckError);
  });

  it('fails when an ok payment is on the ledger other than asked', async () => {
    const { history, ledger } = correctRun();
    ledger.commit({ ...record(spec(0), 'tx0'), amount: '1' });
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(kinds(report.problems)).toEqual(['differs']);
  });

  it('fails when a payment reported failed is on the ledger (committed by the failed transaction)', async () => {
    const { history, ledger } = correctRun();
    const op = history.invoke(spec(6));
    ledger.commit(record(spec(6), 'tx6'));
    history.error(op, new TransactionInvalidError('MVCC_READ_CONFLICT', 'tx6', 8n));
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['failed-committed', paymentKey(spec(6))],
    ]);
    expect(report.problems[0]!.detail).toMatch(/transaction tx6, which operation \d+ was told failed/);
  });

  it('fails when a failure that committed was resubmitted: the replay gets the original, not its own commit', async () => {
    // What settleFailures did: the first call committed but was reported failed; the resubmission
    // "succeeds" with the record the failed call wrote. Every suite used to pass this.
    const { history, ledger } = correctRun();
    let op = history.invoke(spec(7));
    ledger.commit(record(spec(7), 'tx7'));
    history.error(op, new EndpointsUnavailableError('submit', 'submit failed'));
    op = history.invoke(spec(7));
    history.ok(op, committed(spec(7), 'tx7-replay', record(spec(7), 'tx7')));
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['failed-committed', paymentKey(spec(7))],
    ]);
  });

  it('fails when a payment is applied twice (the balances move more than the committed payments)', async () => {
    const { history, ledger } = correctRun();
    const balances = balancesFor(ledger, accounts);
    const after = new Map(balances.after);
    after.set('payer0', after.get('payer0')! - spec(0).amount);
    after.set('merchant', after.get('merchant')! + spec(0).amount);
    const report = await check(history, ledger, { balances: { before: balances.before, after } });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['balance', 'merchant'],
      ['balance', 'payer0'],
    ]);
  });

  it('fails when money moved on an account the check has no balances for', async () => {
    const { history, ledger } = correctRun();
    const balances = balancesFor(ledger, accounts);
    const before = new Map(balances.before);
    before.delete('payer2');
    const report = await check(history, ledger, { balances: { before, after: balances.after } });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([['balance', 'payer2']]);
  });

  it('fails when an unknown cannot be resolved: its lookup fails, or an operation never settled', async () => {
    const { history, ledger } = correctRun();
    ledger.unreadable.add(paymentKey(spec(3)));
    history.invoke(spec(6)); // never completes
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['unresolved', paymentKey(spec(3))],
      ['in-flight', paymentKey(spec(6))],
    ]);
    expect(report.unknownResolved).toEqual({ committed: 2, notCommitted: 0, unresolved: 1 });
  });

  it('fails when money is not conserved', async () => {
    const { history, ledger } = correctRun();
    ledger.lines = [
      ...ledger.lines,
      {
        currency: 'EUR',
        available: '10',
        held: '0',
        pending: '0',
        total: '10',
        issued: '0',
        redeemed: '0',
        outstanding: '0',
        balanced: false,
      },
    ];
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([['conservation', 'EUR']]);
    // A report that says balanced but whose figures do not add up fails too.
    ledger.lines = [{ ...ledger.lines[0]!, pending: '99' }];
    expect(
      (await check(history, ledger, { balances: balancesFor(ledger, accounts) })).problems.map((p) => p.kind),
    ).toEqual(['conservation']);
  });

  it('fails when a committed payment is one no operation of the history explains', async () => {
    const { history, ledger } = correctRun();
    ledger.commit(record(spec(0), 'tx-from-elsewhere'));
    const report = await check(history, ledger, { balances: balancesFor(ledger, accounts) });
    expect(kinds(report.problems)).toEqual(['differs', 'unexplained-commit']);
  });

  it('resolves failed and unknown transaction IDs by commit status and passes a correct history', async () => {
    const { history, ledger } = correctRun();
    const view = ledger.withStatuses();
    const report = await assertHistory(history, view, { balances: balancesFor(ledger, accounts) });
    // tx2 and tx5 (unknown, committed); tx3 (unknown, never committed); pay1 and pay4's failures carried none.
    expect(report.transactions).toEqual({ committed: 2, invalid: 0, notFound: 1, unresolved: 0 });
  });

  it('fails when a transaction reported failed committed VALID, even one that wrote nothing (a replay)', async () => {
    // Payment 6 committed as tx6; a later call under the same ID replayed it (a VALID read-only
    // transaction tx6b) but its caller was told failed: the payment is right, the report is not.
    const { history, ledger } = correctRun();
    let op = history.invoke(spec(6));
    ledger.commit(record(spec(6), 'tx6'));
    history.ok(op, committed(spec(6), 'tx6'));
    op = history.invoke(spec(6));
    history.error(op, new EndpointsUnavailableError('submit', 'no orderer', { transactionId: 'tx6b' }));
    const balances = balancesFor(ledger, accounts);
    // Without commit statuses the ledger's record explains everything.
    expect((await check(history, ledger, { balances })).problems).toEqual([]);
    const report = await check(history, ledger.withStatuses({ tx6b: 'committed' }), { balances });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['failed-committed', paymentKey(spec(6))],
    ]);
    expect(report.problems[0]!.detail).toMatch(/its transaction tx6b committed VALID/);
    // An invalid commit of the failed transaction is what "failed" promised.
    const fine = await check(history, ledger.withStatuses({ tx6b: 'invalid' }), { balances });
    expect(fine.problems).toEqual([]);
    expect(fine.transactions.invalid).toBe(1);
  });

  it('names a failed payment once when both its record and its commit status show the misreport', async () => {
    const { history, ledger } = correctRun();
    const op = history.invoke(spec(6));
    ledger.commit(record(spec(6), 'tx6'));
    history.error(op, new TransactionInvalidError('MVCC_READ_CONFLICT', 'tx6', 8n));
    const report = await check(history, ledger.withStatuses(), { balances: balancesFor(ledger, accounts) });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['failed-committed', paymentKey(spec(6))],
    ]);
  });

  it('fails when the ledger names an unknown transaction that its commit status says did not commit', async () => {
    const { history, ledger } = correctRun();
    const report = await check(history, ledger.withStatuses({ tx2: 'not-found' }), {
      balances: balancesFor(ledger, accounts),
    });
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['status-mismatch', paymentKey(spec(2))],
    ]);
  });

  it('fails when the commit status of a transaction reported failed cannot be read', async () => {
    const { history, ledger } = correctRun();
    const op = history.invoke(spec(6));
    history.error(op, new TransactionInvalidError('MVCC_READ_CONFLICT', 'tx6', 8n));
    const view = ledger.withStatuses();
    const report = await check(
      history,
      {
        ...view,
        transactionState: (tx) =>
          tx === 'tx6' ? Promise.reject(new Error('down')) : view.transactionState!(tx),
      },
      { balances: balancesFor(ledger, accounts) },
    );
    expect(report.problems.map((p) => [p.kind, p.subject])).toEqual([['unresolved', paymentKey(spec(6))]]);
    expect(report.transactions.unresolved).toBe(1);
  });

  it('checks a killed client’s history joined with its successor’s: crashed operations resolve on the ledger', async () => {
    const { history, ledger } = correctRun();
    // The killed client had payments 6 and 7 in flight: 6 committed, 7 never reached the orderer.
    history.invoke(spec(6));
    ledger.commit(record(spec(6), 'tx6'));
    history.invoke(spec(7));
    const closed = closeInFlight(history.events, 'client process killed');
    // The next client found 6 on the ledger and replayed 7 under its ID.
    const next = new History();
    const op = next.invoke(spec(7));
    ledger.commit(record(spec(7), 'tx7'));
    next.ok(op, committed(spec(7), 'tx7'));
    const merged = mergeHistories(closed, next);
    const balances = balancesFor(ledger, accounts);
    const report = await assertHistory(merged, ledger.withStatuses(), { balances });
    expect(report.unknownResolved).toEqual({ committed: 4, notCommitted: 1, unresolved: 0 });
    // The same history without the closing completions is not settled (and 6's commit unexplained).
    const open = await check(mergeHistories(history.events, next), ledger, { balances });
    expect(open.problems.map((p) => [p.kind, p.subject])).toEqual([
      ['in-flight', paymentKey(spec(6))],
      ['unexplained-commit', paymentKey(spec(6))],
      ['in-flight', paymentKey(spec(7))],
    ]);
  });

  it('names every problem in the assertion message', async () => {
    const { history, ledger } = correctRun();
    const balances = balancesFor(ledger, accounts);
    ledger.payments.delete(paymentKey(spec(0)));
    const error = await assertHistory(history, ledger, { balances }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryCheckError);
    expect((error as HistoryCheckError).message).toMatch(/ok-missing payer0\/pay0/);
    expect((error as HistoryCheckError).message).toMatch(/balance payer0/);
  });
});
