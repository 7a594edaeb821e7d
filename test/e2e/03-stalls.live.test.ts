/**
 * Issue 11, the faults beyond a crashed node, on the shared native network, each with at least 500
 * payments in flight at the moment of the fault and each checked against the ledger by the history
 * checker (support/history.ts): no payment reported committed missing or applied twice, none
 * reported failed on the ledger (nor its transaction committed), every unknown resolved, money
 * conserved.
 *
 * - a stall: the client's busiest gateway peer is SIGSTOPped for 10 s, then SIGCONTed; the callers
 *   resubmit what did not commit and every payment commits once;
 * - crashed chaincode servers: all of Org1's (one per peer; every payment needs an Org1
 *   endorsement) are SIGKILLed and started again after 5 s; within the client's deadline no
 *   payment is reported failed: each commits, or is unknown and resolves;
 * - a crashed client: a client process (support/load-child.ts) appending its history to a file is
 *   SIGKILLed; a new client resolves every payment ID the dead one had started (resolvePayment)
 *   and replays, under the same ID, each one the ledger does not have; the dead client's history
 *   (its unfinished calls closed as unknown) joined with the new client's holds, every payment is
 *   on the ledger once, and the same history with an injected misreport fails the check.
 *
 * Payments are conflict-free: each payer its own funded account (one payment per payer per run),
 * merchants receive blind credits. Each run has its own history and balance window. Every run
 * leaves every node and chaincode server running and every peer at the same height.
 */
import { startLoadChild, type LoadChild, type Progress } from '../support/client-process';
import {
  busiestGatewayPeer,
  chaincodeServerPids,
  healAll,
  killChaincodeServers,
  pause,
  pauseNode,
  restartChaincodeServers,
  resumeProcess,
} from '../support/faults-kit';
import {
  check,
  closeInFlight,
  History,
  ledgerView,
  mergeHistories,
  operationsOf,
  paymentKey,
  type HistoryEvent,
} from '../support/history';
import { liveNetwork } from '../support/live-network';
import {
  closeParties,
  committedEverywhere,
  describeError,
  expectHistory,
  fundAccounts,
  holdingsOf,
  mapLimit,
  openAccounts,
  openParty,
  payOnce,
  retryCounts,
  runId,
  sameHeightEverywhere,
  settledEverywhere,
  settleFailures,
  startPayments,
  type Party,
  type PaymentOutcome,
  type PaymentSpec,
} from '../support/payments-kit';

const CURRENCY = 'USD';
const PAYERS = 600;
const IN_FLIGHT_AT_FAULT = 500;
const MERCHANTS = 5;
const FUNDING = 1_000n;
/** How long the peer stays stopped, and the chaincode server down before it is started again. */
const STOP_MS = 10_000;
const CHAINCODE_DOWN_MS = 5_000;
/** The client's overall deadline per payment: covers the chaincode server's outage and restart. */
const DEADLINE_MS = 120_000;

/** Payments not reported committed, with what their callers were told. */
const failures = (outcomes: readonly PaymentOutcome[]): string[] =>
  outcomes.flatMap((o) =>
    o.status === 'committed' ? [] : [`${o.spec.paymentId}: ${o.status} ${describeError(o.error)}`],
  );
const count = (outcomes: readonly PaymentOutcome[], status: PaymentOutcome['status']): number =>
  outcomes.filter((o) => o.status === status).length;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** How long after their invocation the failed operations of a history were reported failed. */
function failedAfter(history: History): string {
  const spans = history
    .operations()
    .flatMap((o) => (o.completion?.type === 'failed' ? [o.completion.at - o.invoked.at] : []));
  if (spans.length === 0) return 'none failed';
  return `failed ${seconds(Math.min(...spans))} to ${seconds(Math.max(...spans))} after their invocation`;
}

describe('faults: a stalled peer, a crashed chaincode server, a crashed client process', () => {
  const ctx = liveNetwork();
  const run = runId('s');
  const payers = Array.from({ length: PAYERS }, (_, i) => `${run}-p${i}`);
  const merchants = Array.from({ length: MERCHANTS }, (_, i) => `${run}-m${i}`);
  const accounts = [...payers, ...merchants];
  let alice: Party | undefined;
  let bob: Party | undefined;
  let dave: Party | undefined;
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('client not opened (beforeAll failed)');
    return p;
  };
  /** One payment per payer; amounts differ per run so a payment of one run cannot pass for another. */
  const specsFor = (tag: string, base: bigint): PaymentSpec[] =>
    payers.map((from, i) => ({
      paymentId: `${run}-${tag}${i}`,
      from,
      to: merchants[i % MERCHANTS]!,
      amount: base + BigInt(i % 7),
      currency: CURRENCY,
    }));

  beforeAll(async () => {
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob', { deadlines: { overallMs: DEADLINE_MS } });
    dave = await openParty(ctx, 'Org2', 'dave');
    await openAccounts(bob, payers, CURRENCY, everywhere);
    await openAccounts(dave, merchants, CURRENCY, everywhere);
    const funding = await fundAccounts(alice, bob, payers, FUNDING, CURRENCY, run, everywhere);
    process.stderr.write(`[stalls] ${PAYERS} payers funded with ${funding.transactions} transactions\n`);
  }, 170_000);

  afterAll(async () => {
    await closeParties(alice, bob, dave);
    await healAll(ctx);
  }, 180_000);

  it(`loses nothing when the client’s busiest gateway peer is SIGSTOPped for ${STOP_MS / 1000} s with ${IN_FLIGHT_AT_FAULT}+ payments in flight`, async () => {
    const payer = need(bob);
    const history = new History();
    const before = await holdingsOf(payer, accounts);
    const started = Date.now();
    const paymentRun = startPayments(payer, specsFor('S', 100n), 170_000, history);
    await paymentRun.committedAtLeast(1, 60_000);
    const inFlight = payer.client.status().activeRequests;
    const { peer: victim, inFlight: onVictim } = busiestGatewayPeer(ctx, payer);
    const pid = pauseNode(victim);
    try {
      await pause(STOP_MS);
    } finally {
      resumeProcess(pid);
    }
    expect(inFlight).toBeGreaterThanOrEqual(IN_FLIGHT_AT_FAULT);
    const outcomes = await paymentRun.outcomes;
    const report = await expectHistory(ctx, payer, history, before, 'stalls history, SIGSTOP run');
    process.stderr.write(
      `[stalls] SIGSTOPped gateway peer ${victim.host} (pid ${pid}) for ${seconds(STOP_MS)} with ${inFlight} payments in flight ` +
        `(${onVictim} calls on it): ${count(outcomes, 'committed')} committed, ${count(outcomes, 'failed')} reported failed, ` +
        `${count(outcomes, 'unknown')} unknown (resolved: ${report.unknownResolved.committed} committed, ` +
        `${report.unknownResolved.notCommitted} not) in ${seconds(Date.now() - started)} ` +
        `(${failures(outcomes).slice(0, 3).join('; ')}); retries ${JSON.stringify(await retryCounts(payer))}\n`,
    );

    // The callers resubmit what did not commit, under the same payment IDs: each commits once.
    const settled = await settleFailures(payer, outcomes, history);
    expect(failures(settled)).toEqual([]);
    const final = await expectHistory(ctx, payer, history, before, 'stalls history, SIGSTOP run settled');
    expect(final.committed).toBe(PAYERS);
    expect(await sameHeightEverywhere(ctx)).toBeGreaterThan(0);
  }, 240_000);

  it(`reports no payment failed while Org1’s chaincode servers are SIGKILLed with ${IN_FLIGHT_AT_FAULT}+ payments in flight and restarted`, async () => {
    const payer = need(bob);
    const history = new History();
    const before = await holdingsOf(payer, accounts);
    // Every one of Org1's servers (one per peer): with one left, Org1 would keep endorsing.
    const pids = await chaincodeServerPids('Org1');
    if (pids.length !== ctx.peers.filter((p) => p.org === 'Org1').length)
      throw new Error(`not every chaincode server of Org1 is running (pids ${pids.join(', ')})`);
    const started = Date.now();
    const paymentRun = startPayments(payer, specsFor('C', 60n), 170_000, history);
    await paymentRun.committedAtLeast(1, 60_000);
    const inFlight = payer.client.status().activeRequests;
    await killChaincodeServers('Org1', pids);
    const killedAt = Date.now();
    await pause(CHAINCODE_DOWN_MS);
    await restartChaincodeServers(ctx);
    const outage = Date.now() - killedAt;
    expect(inFlight).toBeGreaterThanOrEqual(IN_FLIGHT_AT_FAULT);
    const outcomes = await paymentRun.outcomes;
    const report = await expectHistory(ctx, payer, history, before, 'stalls history, chaincode run');
    process.stderr.write(
      `[stalls] SIGKILLed Org1's chaincode servers (pids ${pids.join(', ')}) with ${inFlight} payments in flight, back after ${seconds(outage)} ` +
        `(deadline ${seconds(DEADLINE_MS)}): ${count(outcomes, 'committed')} committed, ${count(outcomes, 'failed')} reported failed, ` +
        `${count(outcomes, 'unknown')} unknown (resolved: ${report.unknownResolved.committed} committed, ` +
        `${report.unknownResolved.notCommitted} not) in ${seconds(Date.now() - started)}, killed ${seconds(killedAt - started)} ` +
        `after the start, ${failedAfter(history)} (${failures(outcomes).slice(0, 3).join('; ')}); ` +
        `retries ${JSON.stringify(await retryCounts(payer))}\n`,
    );
    // The unknowns (and anything reported failed) resubmitted under the same IDs commit once each,
    // so the books stay whole for the next runs whatever the verdict below.
    const settled = await settleFailures(payer, outcomes, history);
    expect(failures(settled)).toEqual([]);
    const final = await expectHistory(ctx, payer, history, before, 'stalls history, chaincode run settled');
    expect(final.committed).toBe(PAYERS);
    expect(await sameHeightEverywhere(ctx)).toBeGreaterThan(0);
    // While the deadline allows, an outage of the chaincode is no reason to give up: nothing failed.
    expect(failures(outcomes.filter((o) => o.status === 'failed'))).toEqual([]);
  }, 240_000);

  it(`resolves or replays every payment of a client process SIGKILLed with ${IN_FLIGHT_AT_FAULT}+ payments in flight`, async () => {
    const reader = need(bob);
    const specs = specsFor('K', 40n);
    const before = await holdingsOf(reader, accounts);
    const started = Date.now();
    let child: LoadChild | undefined;
    let next: Party | undefined;
    try {
      child = startLoadChild(ctx, 'Org1', 'bob', specs);
      const last: Progress = await child.progressWhere(
        'its first committed payment',
        (p) => p.committed >= 1,
        90_000,
      );
      await child.kill();

      // What the dead client's callers had been told; its unfinished calls are unknown.
      const recorded = child.events();
      const ops = operationsOf(recorded);
      const inFlight = ops.filter((o) => !o.completion).length;
      const told = (type: string) => ops.filter((o) => o.completion?.type === type).length;
      expect(ops.map((o) => o.payment.paymentId).sort()).toEqual(specs.map((s) => s.paymentId).sort());
      expect(inFlight).toBeGreaterThanOrEqual(IN_FLIGHT_AT_FAULT);
      const dead = closeInFlight(recorded, `client process ${child.pid} was SIGKILLed before it completed`);

      // A new client resolves every payment ID the dead one started, and replays the absent ones.
      next = await openParty(ctx, 'Org1', 'bob', { deadlines: { overallMs: DEADLINE_MS } });
      await settledEverywhere(ctx);
      const found = await mapLimit(specs, 200, (s) => next!.payments.resolvePayment(s.from, s.paymentId));
      const history = new History();
      const absent = specs.filter((_, i) => found[i]!.state === 'not-found');
      // At most 200 replays at once: the fault is over, nothing gains from flooding the peers.
      const replays = await mapLimit(absent, 200, (s) => payOnce(next!, s, history));
      const settled = await settleFailures(next, replays, history);
      expect(failures(settled)).toEqual([]);

      // Every payment the dead client was told committed is on the ledger as the transaction it was told.
      const byKey = new Map(specs.map((s, i) => [paymentKey(s), found[i]!]));
      const wrong = dead.flatMap((e) => {
        if (e.type !== 'ok') return [];
        const f = byKey.get(paymentKey(e.payment))!;
        return f.state === 'settled' && f.payment.txId === e.transactionId
          ? []
          : [`${paymentKey(e.payment)}: told ${e.transactionId}, resolved ${JSON.stringify(f)}`];
      });
      expect(wrong).toEqual([]);

      const merged = mergeHistories(dead, history);
      const report = await expectHistory(ctx, next, merged, before, 'stalls history, client kill');
      expect(report.committed).toBe(PAYERS);
      const lateCommits = settled.filter(
        (o) => o.status === 'committed' && o.committed.value.txId !== o.committed.transactionId,
      ).length;
      process.stderr.write(
        `[stalls] SIGKILLed client process ${child.pid} with ${inFlight} payments in flight (it had reported ` +
          `${told('ok')} committed, ${told('failed')} failed, ${told('unknown')} unknown; ${last.activeRequests} active at its last report): ` +
          `the new client resolved ${specs.length - absent.length} on the ledger, replayed ${absent.length} ` +
          `(${lateCommits} of them the dead client's late commits) in ${seconds(Date.now() - started)}; ` +
          `retries: dead client ${JSON.stringify(child.latest()?.retries ?? {})}, new client ${JSON.stringify(await retryCounts(next))}\n`,
      );

      // Negative controls on this ledger: a misreport injected into this history fails the check.
      const balances = { before, after: await holdingsOf(next, accounts) };
      const ledger = ledgerView(next.payments, next.client);
      const flip = (victim: HistoryEvent): HistoryEvent[] =>
        merged.map((e) =>
          e === victim
            ? { ...e, type: 'failed' as const, result: undefined, error: 'injected misreport' }
            : e,
        );
      // A payment the dead client was told committed, reported failed instead.
      const ok = merged.find((e) => e.type === 'ok' && e.op < operationsOf(dead).length)!;
      const caught = await check(flip(ok), ledger, { balances });
      expect(caught.problems.map((p) => [p.kind, p.subject])).toEqual([
        ['failed-committed', paymentKey(ok.payment)],
      ]);
      // A crashed call whose payment the new client found on the ledger, reported failed instead.
      const crashed = merged.find(
        (e) =>
          e.type === 'unknown' && !e.transactionId && byKey.get(paymentKey(e.payment))?.state === 'settled',
      );
      if (crashed) {
        const caughtToo = await check(flip(crashed), ledger, { balances });
        expect(caughtToo.problems.map((p) => [p.kind, p.subject])).toEqual([
          ['failed-committed', paymentKey(crashed.payment)],
        ]);
      }
      // The dead client's history without its unfinished calls closed: not settled, not accepted.
      const open = await check(mergeHistories(recorded, history), ledger, { balances });
      expect(open.valid).toBe(false);
      expect(open.completions.inFlight).toBe(inFlight);
    } finally {
      await closeParties(next);
      await child?.dispose();
    }
    expect(await sameHeightEverywhere(ctx)).toBeGreaterThan(0);
  }, 300_000);

  it('leaves the books balanced: every payer paid exactly its three payments, merchants hold the rest', async () => {
    const reader = need(bob);
    const balances = await holdingsOf(reader, accounts);
    const paid = (i: number): bigint => 100n + 60n + 40n + 3n * BigInt(i % 7);
    const wrong = payers.flatMap((id, i) =>
      balances.get(id) === FUNDING - paid(i) ? [] : [`${id}: ${balances.get(id)} != ${FUNDING - paid(i)}`],
    );
    expect(wrong).toEqual([]);
    const received = (m: number): bigint =>
      payers.reduce((total, _, i) => (i % MERCHANTS === m ? total + paid(i) : total), 0n);
    expect(merchants.map((m) => [m, balances.get(m)])).toEqual(merchants.map((m, j) => [m, received(j)]));
    const line = (await reader.payments.conservationReport()).find((l) => l.currency === CURRENCY);
    expect(line?.balanced).toBe(true);
  }, 120_000);
});
