/**
 * Issue 14: the network across hosts of its own, on the suite's own network
 * (test/fixtures/hosts.yaml): the orderer org, each orderer and each peer org on its own host, a
 * Linux network namespace with its own address on a bridge the tool creates.
 *
 * - every process runs in its host's namespace and listens on its host's address only (nothing
 *   on 127.0.0.1); payments flow end to end, and the sockets show the traffic between hosts;
 * - one peer org's host is cut off for 20 s while payments continue: with MAJORITY endorsement
 *   (two orgs, both needed) they stall; what the client reports is printed; after the heal they
 *   commit again and the history check finds every payment resolved, nothing lost or doubled;
 * - the Raft leader's host is cut off: a new leader is elected, payments keep committing, and the
 *   old leader catches up after the heal;
 * - the partition command refuses unknown hosts, and a delay where the kernel has no netem;
 * - `clean` removes the namespaces and the bridge.
 *
 * Needs root (CI runs as root); the suite changes nothing outside its own namespaces and bridge,
 * whose subnet and name are derived from its port base so parallel runs do not collide.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clean,
  contextFor,
  ordererChannelInfo,
  peerHeight,
  up,
  type NetworkContext,
  type UpResult,
} from '@fabpay/network';
import {
  hostNetworkPlan,
  loadTopology,
  nodeHost,
  ordererHost,
  orgHost,
  type Topology,
} from '@fabpay/topology';
import { History } from '../support/history';
import { scratchNetwork } from '../support/live-network';
import { networkCli, runCommand } from '../support/network-cli';
import { startPacedFlow, type PacedFlow } from '../support/paced-flow';
import { establishedOn, listenersOn, withPartition, type PartitionTimings } from '../support/partitions';
import {
  closeParties,
  committedEverywhere,
  eventually,
  expectHistory,
  fundAccounts,
  holdingsOf,
  openAccounts,
  openParty,
  ordererCaughtUp,
  payOnce,
  raftLeader,
  retryCounts,
  runId,
  within,
  type Party,
} from '../support/payments-kit';

const CURRENCY = 'USD';
const PAYERS = 8;
const MERCHANTS = 2;
const FUNDING = 100_000n;
/** Bounds of each load: payments per payer and duration. */
const MAX_PER_PAYER = 300;
const LOAD_MS = 240_000;
/** How long the peer org's host stays cut off. */
const PEER_ORG_CUT_MS = 20_000;
/**
 * How soon after the heal the cut-off org's peers must have every block the orderers have. Until
 * they do, each payment they endorse mismatches the other org's endorsement and fails. Catching up
 * takes a reconnect and a block or two; the bound only has to tell that from a deliver stream that
 * stays dead for a minute (what Fabric's default keepalive let happen, network/src/nodes/tuning.ts).
 */
const CATCH_UP_MS = 30_000;

describe('the network across hosts (network namespaces), with partitions', () => {
  const net = scratchNetwork('hosts.yaml', 4500, 'hosts');
  // The subnet and bridge follow the port base, like the ports, so two runs never share them.
  const base = loadTopology(net.topologyFile).portBase;
  writeFileSync(
    net.topologyFile,
    readFileSync(net.topologyFile, 'utf8')
      .replace(/^ {2}subnet: .*$/m, `  subnet: 10.${Math.floor(base / 100) % 250}.${base % 100}.0/24`)
      .replace(/^ {2}bridge: .*$/m, `  bridge: fpt${base}`),
  );
  const cli = networkCli(net.topologyFile);
  const run = runId('h');
  const payers = Array.from({ length: PAYERS }, (_, i) => `${run}-p${i}`);
  const merchants = Array.from({ length: MERCHANTS }, (_, i) => `${run}-m${i}`);
  let topology: Topology;
  let upResult: UpResult | undefined;
  let alice: Party | undefined;
  let bob: Party | undefined;
  let dave: Party | undefined;
  const ctxNow = (): NetworkContext => contextFor(net.options);
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} missing (an earlier step failed)`);
    return v;
  };
  const say = (line: string): boolean => process.stderr.write(`[hosts] ${line}\n`);

  /** A bounded payment flow from every payer to the merchants, recorded in `history`. */
  const flowOf = (tag: string, history: History): PacedFlow =>
    startPacedFlow(
      payers.map((from, i) => ({
        payer: need(bob, 'bob'),
        from,
        to: (k: number) => merchants[(i + k) % MERCHANTS]!,
      })),
      {
        tag: `${run}-${tag}`,
        currency: CURRENCY,
        amount: (k) => 10n + BigInt(k % 7),
        maxPerRoute: MAX_PER_PAYER,
        maxMs: LOAD_MS,
      },
      history,
    );
  const committedBy = (flow: PacedFlow, n: number, what: string, timeoutMs = 120_000): Promise<void> =>
    flow.committedAtLeast(n, timeoutMs).catch(() => {
      throw new Error(`only ${flow.committed()} payments committed ${what} (wanted ${n})`);
    });

  beforeAll(async () => {
    net.enter();
    topology = loadTopology(net.topologyFile);
    upResult = await up(net.options);
    say(`up with hosts in ${upResult.seconds.toFixed(1)}s: ${JSON.stringify(upResult.steps)}`);
    const ctx = ctxNow();
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob');
    dave = await openParty(ctx, 'Org2', 'dave');
    const everywhere = (block: bigint) => committedEverywhere(ctx, block);
    await openAccounts(bob, payers, CURRENCY, everywhere);
    await openAccounts(dave, merchants, CURRENCY, everywhere);
    await fundAccounts(alice, bob, payers, FUNDING, CURRENCY, run, everywhere);
  }, 600_000);

  afterAll(async () => {
    await closeParties(alice, bob, dave);
    await clean(net.options);
    net.leave();
    rmSync(net.home, { recursive: true, force: true });
  }, 180_000);

  it('runs every process in its host, listening on the host address only, and pays across the bridge', async () => {
    const plan = need(hostNetworkPlan(topology), 'the host plan');
    const ctx = ctxNow();
    expect(plan.hosts.map((h) => h.name)).toEqual(['ordering', 'ordering-b', 'ordering-c', 'bank1', 'bank2']);

    // Each node runs in the namespace of its host (the kernel says which one a PID is in).
    for (const node of ctx.nodes) {
      const pid = readFileSync(node.process.pidFile, 'utf8').trim().split(/\s+/)[0]!;
      const identified = await runCommand('ip', ['netns', 'identify', pid]);
      expect([node.host, identified.stdout.trim()]).toEqual([
        node.host,
        nodeHost(topology, node.host)!.netns,
      ]);
    }
    // Every listener of every host is on that host's address: nothing on 127.0.0.1 or 0.0.0.0.
    for (const host of plan.hosts) {
      const listeners = await listenersOn(topology, host.name);
      expect(listeners.length).toBeGreaterThan(0);
      expect([host.name, listeners.filter((l) => !l.startsWith(`${host.address}:`))]).toEqual([
        host.name,
        [],
      ]);
    }
    // And nothing of the network listens in the machine's own namespace.
    const own = await runCommand('ss', ['-Hltn']);
    const ports = own.stdout
      .split('\n')
      .map((l) => Number(l.trim().split(/\s+/)[3]?.split(':').pop()))
      .filter((p) => p >= topology.portBase && p < topology.portBase + 300);
    expect(ports).toEqual([]);

    // `status` reports every process at its host's address.
    const statusRun = await cli(['status', '--json']);
    const processes = (
      JSON.parse(statusRun.stdout) as {
        processes: { name: string; kind: string; org?: string; address?: string }[];
      }
    ).processes;
    const expected = (p: { name: string; kind: string; org?: string }): string =>
      p.kind === 'orderer' || p.kind === 'peer'
        ? nodeHost(topology, p.name)!.address
        : p.kind === 'chaincode'
          ? nodeHost(topology, p.name.split(' ')[0]!)!.address
          : orgHost(topology, p.org!)!.address;
    const listed = processes.filter((p) => p.kind !== 'supervisor');
    // 3 orderers and 2 peers, 2 chaincode servers, 3 CAs (TLS, root, intermediate) per organisation.
    expect(listed.length).toBe(5 + 2 + 9);
    expect(listed.filter((p) => p.address !== expected(p)).map((p) => p.name)).toEqual([]);

    // A payment end to end: the client (outside every host) reaches Org1's peer by the hosts file.
    const history = new History();
    const outcome = await payOnce(
      need(bob, 'bob'),
      { paymentId: `${run}-first`, from: payers[0]!, to: merchants[0]!, amount: 5n, currency: CURRENCY },
      history,
    );
    expect(outcome.status).toBe('committed');

    // The traffic crossed the bridge: Org1's peer holds connections to other hosts' addresses.
    const bank1 = orgHost(topology, 'Org1')!;
    const sockets = await establishedOn(topology, 'bank1');
    const remote = sockets.filter((s) => !s.peer.startsWith(`${bank1.address}:`));
    say(
      `established on bank1 (${bank1.address}): ${sockets.map((s) => `${s.local} -> ${s.peer}`).join(', ')}`,
    );
    const talksTo = (address: string): boolean => remote.some((s) => s.peer.startsWith(`${address}:`));
    // To an orderer's host (block delivery) and to Org2's host (gossip, endorsement).
    expect(plan.hosts.filter((h) => h.name.startsWith('ordering')).some((h) => talksTo(h.address))).toBe(
      true,
    );
    expect(talksTo(orgHost(topology, 'Org2')!.address)).toBe(true);
  }, 300_000);

  it("stalls payments while a peer org's host is cut off for 20 s, and resolves every one after the heal", async () => {
    const payer = need(bob, 'bob');
    const before = await holdingsOf(payer, [...payers, ...merchants]);
    const history = new History();
    const flow = flowOf('org-cut', history);
    let timings: PartitionTimings | undefined;
    let cutAt = 0;
    let healAt = 0;
    let retriesBefore: Record<string, number> = {};
    try {
      await committedBy(flow, 10, 'before the cut');
      const atCut = flow.committed();
      retriesBefore = await retryCounts(payer);
      cutAt = Date.now();
      let whileCut = 0;
      const { timings: t } = await withPartition(topology, 'bank2', async () => {
        await sleep(PEER_ORG_CUT_MS);
        whileCut = flow.committed() - atCut;
      });
      timings = t;
      healAt = Date.now();
      say(
        `bank2 cut for ${timings.heldSeconds.toFixed(1)}s (cut ${timings.cutSeconds.toFixed(3)}s, heal ${timings.healSeconds.toFixed(3)}s): ${whileCut} payments committed while it was cut off`,
      );
      const ctx = ctxNow();
      const cutPeers = ctx.peers.filter((p) => p.org === 'Org2');
      const ordererHeights = await Promise.all(
        ctx.orderers.map((o) => ordererChannelInfo(o, ctx.topology.channel.name)),
      );
      const chain = Math.max(...ordererHeights.map((h) => h?.height ?? 0));
      expect(chain).toBeGreaterThan(0);
      const caughtUp = await eventually(
        `Org2's peers to reach the orderers' height ${chain} after the heal`,
        async () => {
          const heights = await Promise.all(cutPeers.map((p) => peerHeight(ctx, p)));
          return heights.every((h) => h !== undefined && h >= chain) ? Date.now() - healAt : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      say(`Org2's peers reached height ${chain} ${(caughtUp / 1000).toFixed(1)}s after the heal`);
      expect(caughtUp).toBeLessThanOrEqual(CATCH_UP_MS);
      // Stalled: at most the payments already endorsed when the link went down could commit.
      expect(whileCut).toBeLessThanOrEqual(PAYERS);
      const atHeal = flow.committed();
      await committedBy(flow, atHeal + 20, 'after the heal', 180_000);
      say(`after the heal: ${flow.committed() - atHeal} more committed`);
    } finally {
      await within('the payment load to stop', 180_000, flow.stop());
    }
    // What the client reported for the payments under way while the host was cut off.
    const invokedAt = new Map(history.events.filter((e) => e.type === 'invoked').map((e) => [e.op, e.at]));
    const spanning = history.events.filter(
      (e) => e.type !== 'invoked' && e.at >= cutAt && invokedAt.get(e.op)! < healAt,
    );
    const byType = (type: string): number => spanning.filter((e) => e.type === type).length;
    const slowest = Math.max(0, ...spanning.map((e) => e.at - invokedAt.get(e.op)!));
    const errors = [...new Set(spanning.flatMap((e) => (e.error ? [e.error.slice(0, 240)] : [])))].slice(
      0,
      4,
    );
    say(
      `payments under way during the cut: ${byType('ok')} reported committed, ${byType('failed')} failed, ${byType('unknown')} unknown; the slowest took ${(slowest / 1000).toFixed(1)}s${errors.length ? `; errors: ${errors.join(' | ')}` : ''}`,
    );
    const retriesAfter = await retryCounts(payer);
    const retried = Object.entries(retriesAfter)
      .map(([k, v]) => [k, v - (retriesBefore[k] ?? 0)] as const)
      .filter(([, v]) => v > 0);
    say(
      `client retries during the run from the cut on: ${retried.length ? retried.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`,
    );
    expect(spanning.length).toBeGreaterThan(0);
    const report = await expectHistory(ctxNow(), payer, history, before, 'hosts: peer org partition');
    expect(report.valid).toBe(true);
    expect(report.completions.inFlight).toBe(0);
    expect(report.completions.ok).toBeGreaterThanOrEqual(30);
  }, 600_000);

  it("elects a new leader while the Raft leader's host is cut off, keeps committing, and the old leader catches up", async () => {
    const payer = need(bob, 'bob');
    const ctx = ctxNow();
    const before = await holdingsOf(payer, [...payers, ...merchants]);
    const history = new History();
    const flow = flowOf('leader-cut', history);
    const leader = await raftLeader(ctx);
    const leaderHost = ordererHost(topology, leader.host)!.name;
    const others = ctx.orderers.filter((o) => o !== leader);
    let newLeader = '';
    let cutAt = 0;
    let healedAt = 0;
    const rate = (count: number, sinceMs: number): string =>
      `${((count * 1000) / Math.max(1, Date.now() - sinceMs)).toFixed(1)}/s`;
    try {
      const started = Date.now();
      await committedBy(flow, 20, 'before the cut');
      say(`before the cut: ${flow.committed()} committed, ${rate(flow.committed(), started)}`);
      const atCut = flow.committed();
      cutAt = Date.now();
      const { timings } = await withPartition(topology, leaderHost, async () => {
        newLeader = (await raftLeader(ctx, others, 90_000)).host;
        const electedMs = Date.now() - cutAt;
        const atNew = flow.committed();
        await committedBy(flow, atNew + 20, 'under the new leader');
        say(
          `leader ${leader.host} (host ${leaderHost}) cut off: ${newLeader} leads after ${(electedMs / 1000).toFixed(1)}s; ${flow.committed() - atNew} payments committed under it while cut; ${rate(flow.committed() - atCut, cutAt)} over the whole cut`,
        );
      });
      say(
        `${leaderHost} cut for ${timings.heldSeconds.toFixed(1)}s (cut ${timings.cutSeconds.toFixed(3)}s, heal ${timings.healSeconds.toFixed(3)}s)`,
      );
      expect(newLeader).not.toBe(leader.host);
      expect(others.map((o) => o.host)).toContain(newLeader);
      const atHeal = flow.committed();
      healedAt = Date.now();
      await committedBy(flow, atHeal + 20, 'after the heal');
      say(`after the heal: ${rate(flow.committed() - atHeal, healedAt)}`);
    } finally {
      await within('the payment load to stop', 180_000, flow.stop());
    }
    // How long payments under way during the cut took (a submission the peer's gateway sent to the
    // unreachable orderer waits for its broadcast timeout before it tries another orderer).
    const invokedAt = new Map(history.events.filter((e) => e.type === 'invoked').map((e) => [e.op, e.at]));
    const latencies = history.events
      .filter((e) => e.type !== 'invoked' && e.at >= cutAt && invokedAt.get(e.op)! < healedAt)
      .map((e) => e.at - invokedAt.get(e.op)!)
      .sort((a, b) => a - b);
    const q = (p: number): string =>
      ((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) / 1000).toFixed(1);
    say(
      `latency of the ${latencies.length} payments under way during the cut: median ${q(0.5)}s, p90 ${q(0.9)}s, max ${q(1)}s`,
    );
    // The old leader catches up to the others' height.
    const heights = await Promise.all(others.map((o) => ordererChannelInfo(o, ctx.topology.channel.name)));
    const height = Math.max(...heights.map((h) => h?.height ?? 0));
    const start = Date.now();
    await ordererCaughtUp(ctx, leader, height, 120_000);
    say(
      `${leader.host} caught up to height ${height} ${((Date.now() - start) / 1000).toFixed(1)}s after the check began`,
    );
    const report = await expectHistory(ctx, payer, history, before, 'hosts: leader partition');
    expect(report.valid).toBe(true);
    expect(report.completions.inFlight).toBe(0);
  }, 600_000);

  it('refuses an unknown host, and a delay where the kernel has no netem, changing nothing', async () => {
    const unknown = await cli(['partition', 'cut', 'nohost']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown host "nohost": the topology's hosts are ordering, ordering-b/);
    const delayed = await cli(['partition', 'delay', 'bank1', '50', '--json']);
    if (delayed.code === 0) {
      // A kernel with netem: the delay is set, and removed again.
      expect(JSON.parse(delayed.stdout)).toMatchObject({ state: { delayMs: 50 } });
      expect((await cli(['partition', 'delay', 'bank1', '0'])).code).toBe(0);
    } else {
      expect(delayed.stderr).toMatch(/no netem queueing discipline/);
    }
    const hosts = JSON.parse((await cli(['hosts', '--json'])).stdout) as {
      host: string;
      up: boolean;
      delayMs: number;
    }[];
    expect(hosts.map((h) => [h.host, h.up, h.delayMs])).toEqual(
      ['ordering', 'ordering-b', 'ordering-c', 'bank1', 'bank2'].map((h) => [h, true, 0]),
    );
  }, 120_000);

  it('removes the namespaces and the bridge on clean', async () => {
    const plan = need(hostNetworkPlan(topology), 'the host plan');
    await closeParties(alice, bob, dave);
    alice = bob = dave = undefined;
    await clean(net.options);
    const namespaces = (await runCommand('ip', ['netns', 'list'])).stdout;
    expect(plan.hosts.filter((h) => namespaces.includes(h.netns))).toEqual([]);
    expect((await runCommand('ip', ['link', 'show', 'dev', plan.bridge])).code).not.toBe(0);
  }, 180_000);
});
