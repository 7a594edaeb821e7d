/**
 * Issue 12 item 2, no single point of failure per org and self-healing, on the shared live
 * network with the supervisor on (`startSupervisor`, what `up --supervise` starts):
 *
 * - one chaincode server (the client's busiest gateway peer's own) is SIGKILLed under load: the
 *   supervisor starts it again within seconds, payments keep committing meanwhile (every peer has
 *   its own server, so the org's other peer still endorses), and the restarted server serves its
 *   peer again;
 * - separately, one peer (the busiest gateway peer) is SIGKILLed under load: payments keep
 *   committing through the org's other peer, the supervisor starts the peer again within seconds
 *   and it catches up;
 * - each time, the history check (support/history.ts) holds: every payment the client reported
 *   committed is on the ledger exactly once, none reported failed is on it, every unknown resolves,
 *   money is conserved; after the callers resubmit the rest under the same IDs, every payment has
 *   committed once. The supervisor's log names the crash (old pid) and the restart (new pid).
 *
 * The load is bounded in count and time: a few payers each pay merchants one payment after the
 * other (conflict-free: each payer its own account, merchants receive blind credits) until the
 * run is stopped, a per-run count is reached, or its deadline passes. Measured seconds are printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import {
  chaincodeProcess,
  chaincodeServerPort,
  nodeHealth,
  runningPid,
  startSupervisor,
  status,
  stopSupervisor,
  supervisorFiles,
  type NodeSpec,
  type SupervisorEvent,
} from '@fabpay/network';
import { killProcess } from '@fabpay/topology';
import { busiestGatewayPeer, healAll } from '../support/faults-kit';
import { History } from '../support/history';
import { liveNetwork, networkOptions, testTopologyFile, useTestHome } from '../support/live-network';
import {
  closeParties,
  committedEverywhere,
  describeError,
  eventually,
  expectHistory,
  fundAccounts,
  holdingsOf,
  kill,
  openAccounts,
  openParty,
  payOnce,
  queryOnPeer,
  runId,
  sameHeightEverywhere,
  settleFailures,
  type Party,
  type PaymentOutcome,
  type PaymentSpec,
} from '../support/payments-kit';

const CURRENCY = 'USD';
/** Payers paying at once (each one payment after the other); each run uses its own payers. */
const CHAINS = 24;
/** Bounds of one run's load: payments per payer, and time. */
const PER_CHAIN = 60;
const RUN_DEADLINE_MS = 60_000;
const MERCHANTS = 4;
const FUNDING = 10_000n;
/** Commits before the fault, and after the recovery before the load is stopped. */
const WARMUP_COMMITS = 20;
const AFTER_RECOVERY_COMMITS = 20;
/** "Back within seconds". */
const CHAINCODE_BACK_WITHIN_MS = 10_000;
const PEER_BACK_WITHIN_MS = 20_000;
/** The window after a kill in which payments must still commit. */
const COMMIT_WINDOW_MS = 5_000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A bounded load: `chains` payers each paying one payment after the other. */
interface Load {
  /** Commit times (ms clock) of the payments reported committed. */
  readonly commits: number[];
  /** Stops starting new payments; in-flight ones finish. */
  stop(): void;
  /** Every outcome, once the load has stopped and settled. */
  readonly outcomes: Promise<PaymentOutcome[]>;
}

function startLoad(payer: Party, chains: readonly PaymentSpec[][], history: History): Load {
  const commits: number[] = [];
  const deadline = Date.now() + RUN_DEADLINE_MS;
  let stopped = false;
  const chain = async (specs: readonly PaymentSpec[]): Promise<PaymentOutcome[]> => {
    const out: PaymentOutcome[] = [];
    for (const spec of specs) {
      if (stopped || Date.now() > deadline) break;
      const o = await payOnce(payer, spec, history);
      if (o.status === 'committed') commits.push(Date.now());
      out.push(o);
    }
    return out;
  };
  const outcomes = Promise.all(chains.map(chain)).then((all) => all.flat());
  return { commits, stop: () => (stopped = true), outcomes };
}

const committedBetween = (load: Load, from: number, to: number): number =>
  load.commits.filter((t) => t >= from && t <= to).length;

/** Accepts a TCP connection on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

type LoggedEvent = SupervisorEvent & { time: string };

/** The supervisor's log lines written after `offset` bytes. */
function supervisorEvents(log: string, offset: number): LoggedEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LoggedEvent);
}

const count = (outcomes: readonly PaymentOutcome[], status: PaymentOutcome['status']): number =>
  outcomes.filter((o) => o.status === status).length;
const failures = (outcomes: readonly PaymentOutcome[]): string[] =>
  outcomes.flatMap((o) =>
    o.status === 'committed' ? [] : [`${o.spec.paymentId}: ${o.status} ${describeError(o.error)}`],
  );

describe('supervisor: a crashed chaincode server or peer is back within seconds, payments keep committing', () => {
  const ctx = liveNetwork();
  const run = runId('s');
  const merchants = Array.from({ length: MERCHANTS }, (_, i) => `${run}-m${i}`);
  const payersOf = (tag: string): string[] => Array.from({ length: CHAINS }, (_, i) => `${run}-${tag}p${i}`);
  const payers = { C: payersOf('C'), P: payersOf('P') };
  const accounts = [...payers.C, ...payers.P, ...merchants];
  const log = supervisorFiles(ctx.layout).log;
  let alice: Party | undefined;
  let bob: Party | undefined;
  let dave: Party | undefined;
  let before: Map<string, bigint> | undefined;
  let startedSupervisor = false;
  const history = new History();
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('not set up (beforeAll failed)');
    return v;
  };
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);
  /** Each payer of the run its chain of payments to the merchants, in turn. */
  const chainsFor = (tag: 'C' | 'P'): PaymentSpec[][] =>
    payers[tag].map((from, c) =>
      Array.from({ length: PER_CHAIN }, (_, k) => ({
        paymentId: `${run}-${tag}${c}-${k}`,
        from,
        to: merchants[(c + k) % MERCHANTS]!,
        amount: 1n + BigInt((c + k) % 5),
        currency: CURRENCY,
      })),
    );

  /**
   * Runs the load, applies `fault` once WARMUP_COMMITS have committed, waits for `recovered`,
   * lets AFTER_RECOVERY_COMMITS more commit, stops the load, and checks the history before and
   * after the callers resubmit what did not commit. Returns the figures.
   */
  async function underLoad(
    tag: 'C' | 'P',
    fault: () => Promise<{ killedAt: number; recovered: () => Promise<number> }>,
  ): Promise<{
    downMs: number;
    inWindow: number;
    outcomes: PaymentOutcome[];
    settled: PaymentOutcome[];
  }> {
    const payer = need(bob);
    const load = startLoad(payer, chainsFor(tag), history);
    try {
      await eventually(`${WARMUP_COMMITS} payments to commit before the fault`, () =>
        load.commits.length >= WARMUP_COMMITS ? true : undefined,
      );
      const { killedAt, recovered } = await fault();
      const backAt = await recovered();
      const atRecovery = load.commits.length;
      await eventually(
        `${AFTER_RECOVERY_COMMITS} more payments to commit after the recovery`,
        () => (load.commits.length >= atRecovery + AFTER_RECOVERY_COMMITS ? true : undefined),
        { timeoutMs: 45_000 },
      );
      // Settle the window: commits are stamped when the client hears of them.
      const windowEnd = killedAt + Math.max(COMMIT_WINDOW_MS, backAt - killedAt);
      await eventually('the commit window to close', () => (Date.now() > windowEnd ? true : undefined));
      load.stop();
      const outcomes = await load.outcomes;
      await expectHistory(ctx, payer, history, need(before), `supervisor history, ${tag} run`);
      const settled = await settleFailures(payer, outcomes, history);
      return {
        downMs: backAt - killedAt,
        inWindow: committedBetween(load, killedAt, windowEnd),
        outcomes,
        settled,
      };
    } finally {
      load.stop();
      await load.outcomes.catch(() => undefined);
    }
  }

  beforeAll(async () => {
    useTestHome();
    const sup = await startSupervisor(ctx, testTopologyFile());
    startedSupervisor = sup.started;
    process.stderr.write(
      `[supervisor] supervisor pid ${sup.pid} (${sup.started ? 'started' : 'already running'})\n`,
    );
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob');
    dave = await openParty(ctx, 'Org2', 'dave');
    await openAccounts(bob, [...payers.C, ...payers.P], CURRENCY, everywhere);
    await openAccounts(dave, merchants, CURRENCY, everywhere);
    await fundAccounts(alice, bob, [...payers.C, ...payers.P], FUNDING, CURRENCY, run, everywhere);
    before = await holdingsOf(bob, accounts);
  }, 120_000);

  afterAll(async () => {
    // Stopped before anything else: later suites kill nodes on purpose and restart them themselves.
    if (startedSupervisor) await stopSupervisor(ctx, testTopologyFile());
    await closeParties(alice, bob, dave);
    await healAll(ctx);
  }, 120_000);

  it('is one supervisor: a second start finds it running and starts none; status lists it and every chaincode server', async () => {
    const first = await startSupervisor(ctx, testTopologyFile());
    const second = await startSupervisor(ctx, testTopologyFile());
    expect(second).toEqual({ pid: first.pid, started: false });
    const processes = (await status(networkOptions())).processes;
    expect(processes.find((p) => p.kind === 'supervisor')).toMatchObject({ running: true, pid: first.pid });
    const servers = processes.filter((p) => p.kind === 'chaincode');
    expect(servers.map((p) => p.name).sort()).toEqual(
      ctx.peers.map((p) => `${p.host} chaincode server`).sort(),
    );
    expect(servers.every((p) => p.running)).toBe(true);
  });

  it('restarts a SIGKILLed chaincode server within seconds while payments keep committing; nothing lost or doubled', async () => {
    const payer = need(bob);
    let victim: NodeSpec | undefined;
    let oldPid: number | undefined;
    let newPid: number | undefined;
    const offset = existsSync(log) ? readFileSync(log).length : 0;
    const result = await underLoad('C', async () => {
      victim = busiestGatewayPeer(ctx, payer).peer;
      const ref = chaincodeProcess(ctx, victim);
      const serverPort = chaincodeServerPort(ctx, victim.host);
      oldPid = await killProcess(ref);
      const killedAt = Date.now();
      if (oldPid === undefined) throw new Error(`${victim.host}'s chaincode server was not running`);
      return {
        killedAt,
        recovered: () =>
          eventually(
            `${victim!.host}'s chaincode server to be running again and listening on ${serverPort}`,
            async () => {
              const pid = runningPid(ref);
              if (pid === undefined || pid === oldPid || !(await accepts(serverPort))) return undefined;
              newPid = pid;
              return Date.now();
            },
            { timeoutMs: 30_000, intervalMs: 50 },
          ),
      };
    });
    const host = need(victim).host;
    // Its peer endorses with it again: a query on that peer alone goes through its own server.
    await eventually(
      `${host} to answer a query through its restarted chaincode server`,
      () => queryOnPeer(ctx, need(victim), 'getBalance', merchants[0]!),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const events = supervisorEvents(log, offset).filter(
      (e) => 'process' in e && e.process === `${host} chaincode server`,
    );
    process.stderr.write(
      `[supervisor] SIGKILLed ${host}'s chaincode server (pid ${oldPid}): back as pid ${newPid} after ${seconds(result.downMs)}; ` +
        `${result.inWindow} payments committed in the ${seconds(Math.max(COMMIT_WINDOW_MS, result.downMs))} after the kill; ` +
        `run: ${result.outcomes.length} payments, ${count(result.outcomes, 'committed')} committed, ${count(result.outcomes, 'failed')} reported failed, ` +
        `${count(result.outcomes, 'unknown')} unknown (${failures(result.outcomes).slice(0, 3).join('; ')}); ` +
        `supervisor: ${events.map((e) => e.event).join(', ')}\n`,
    );
    expect(result.downMs).toBeLessThan(CHAINCODE_BACK_WITHIN_MS);
    expect(result.inWindow).toBeGreaterThan(0);
    // The org's other peer kept endorsing: no caller was told a payment failed.
    expect(count(result.outcomes, 'failed')).toBe(0);
    expect(failures(result.settled)).toEqual([]);
    const final = await expectHistory(ctx, payer, history, need(before), 'supervisor history, C run settled');
    // Every payment of the history is on the ledger (once: the check above counts doubles as problems).
    expect(final.committed).toBe(final.payments);
    expect(final.payments).toBe(new Set(result.outcomes.map((o) => o.spec.paymentId)).size);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'crashed', lastPid: oldPid }),
        expect.objectContaining({ event: 'restarted', pid: newPid }),
      ]),
    );
  }, 150_000);

  it('restarts a SIGKILLed peer within seconds while payments keep committing through the org’s other peer; nothing lost or doubled', async () => {
    const payer = need(bob);
    let victim: NodeSpec | undefined;
    let oldPid: number | undefined;
    let newPid: number | undefined;
    const offset = existsSync(log) ? readFileSync(log).length : 0;
    const result = await underLoad('P', async () => {
      victim = busiestGatewayPeer(ctx, payer).peer;
      const node = victim;
      oldPid = await kill(node);
      const killedAt = Date.now();
      return {
        killedAt,
        recovered: () =>
          eventually(
            `${node.host} to be running again and healthy`,
            async () => {
              const pid = runningPid(node.process);
              if (pid === undefined || pid === oldPid || !(await nodeHealth(node)).ok) return undefined;
              newPid = pid;
              return Date.now();
            },
            { timeoutMs: 60_000, intervalMs: 100 },
          ),
      };
    });
    const host = need(victim).host;
    const height = await sameHeightEverywhere(ctx);
    const events = supervisorEvents(log, offset).filter((e) => 'process' in e && e.process === host);
    process.stderr.write(
      `[supervisor] SIGKILLed peer ${host} (pid ${oldPid}): back and healthy as pid ${newPid} after ${seconds(result.downMs)}, ` +
        `caught up at height ${height}; ${result.inWindow} payments committed in the ${seconds(Math.max(COMMIT_WINDOW_MS, result.downMs))} after the kill; ` +
        `run: ${result.outcomes.length} payments, ${count(result.outcomes, 'committed')} committed, ${count(result.outcomes, 'failed')} reported failed, ` +
        `${count(result.outcomes, 'unknown')} unknown (${failures(result.outcomes).slice(0, 3).join('; ')}); ` +
        `supervisor: ${events.map((e) => e.event).join(', ')}\n`,
    );
    expect(result.downMs).toBeLessThan(PEER_BACK_WITHIN_MS);
    expect(result.inWindow).toBeGreaterThan(0);
    // What the client reported failed never reached the ledger (the history check above); the
    // callers resubmit it under the same payment IDs and every payment commits once.
    expect(failures(result.settled)).toEqual([]);
    const final = await expectHistory(ctx, payer, history, need(before), 'supervisor history, P run settled');
    expect(final.committed).toBe(final.payments);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'crashed', lastPid: oldPid }),
        expect.objectContaining({ event: 'restarted', pid: newPid }),
      ]),
    );
  }, 150_000);
});
