/**
 * Issue 13, ledger snapshots and new peers joining from them, on the suite's own small network
 * (test/fixtures/snapshots.yaml: one orderer, Org1 and Org2 with one peer each), whose topology
 * file `peer add` edits (a copy in the suite's home):
 *
 * - payments, then `snapshot peer0.org1` at height N (a second run reuses it), then more payments
 *   so the ledger moves past N;
 * - `peer add --from-snapshot` with a directory that is not a snapshot, a snapshot of another
 *   channel, a snapshot of another chain: each refused, the topology file unchanged, no peer made;
 * - `peer add --org Org1 --from-snapshot <dir>`: peer1.org1 joins at height N, answers every
 *   balance as peer0.org1 does as soon as it returns, is at the channel's height, and follows a
 *   new payment to the new height; `peer channel getinfo` on it; a second run naming it changes
 *   nothing; `status` lists it and its chaincode server;
 * - a `peer add` cut short after the topology step is finished by the next run (the same peer,
 *   peer2.org1, from the genesis block), and the running supervisor is restarted to watch it;
 * - `down` then `up` brings them back (up's channel step finds them joined and skips the join).
 *
 * Every wait is bounded in count and time. Measured seconds are printed.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  addPeer,
  clean,
  contextFor,
  down,
  evaluateAs,
  peerAdminEnv,
  peerCli,
  peerHeight,
  samplePaymentFlow,
  SnapshotDirError,
  startSupervisor,
  status,
  supervisorFiles,
  takeSnapshot,
  up,
  type ChaincodeCaller,
  type NetworkContext,
  type NodeSpec,
  type SampleFlowResult,
} from '@fabpay/network';
import { scratchNetwork } from '../support/live-network';

const net = scratchNetwork('snapshots.yaml', 4000, 'snap');
const log = (line: string): void => {
  process.stderr.write(`[snap] ${line}\n`);
};

/** A topology user calling the chaincode through one given peer (not any peer of the org). */
function userOn(ctx: NetworkContext, peer: NodeSpec, user: string): ChaincodeCaller {
  const org = ctx.caPaths.org(peer.org);
  const msp = org.users.find((u) => u.enrollmentId === user)?.msp;
  if (!msp) throw new Error(`no user ${user} in ${peer.org}`);
  return {
    label: `${user} on ${peer.host}`,
    env: { ...peerAdminEnv(ctx.layout, org, peer), CORE_PEER_MSPCONFIGPATH: msp },
  };
}

/** The balances of a sample flow's two accounts, read by their owners through `peer`. */
async function balancesOn(
  ctx: NetworkContext,
  peer: NodeSpec,
  flow: SampleFlowResult,
): Promise<Record<string, unknown>> {
  return {
    [flow.accounts.payer]: await evaluateAs(ctx, userOn(ctx, peer, 'alice'), 'getBalance', [
      flow.accounts.payer,
    ]),
    [flow.accounts.payee]: await evaluateAs(ctx, userOn(ctx, peer, 'bob'), 'getBalance', [
      flow.accounts.payee,
    ]),
  };
}

/** Polls until `peer` has at least `height` blocks: at most `tries` looks, 250 ms apart. */
async function reachHeight(
  ctx: NetworkContext,
  peer: NodeSpec,
  height: number,
  tries = 240,
): Promise<number> {
  let h: number | undefined;
  for (let i = 0; i < tries; i++) {
    h = await peerHeight(ctx, peer);
    if (h !== undefined && h >= height) return h;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${peer.host} stayed at height ${h} (wanted ${height})`);
}

/** Rewrites a copy of a snapshot's signable metadata and its snapshot_hash, as a forger would. */
function forge(from: string, to: string, change: (meta: Record<string, unknown>) => void): void {
  cpSync(from, to, { recursive: true });
  const file = path.join(to, '_snapshot_signable_metadata.json');
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(meta);
  const text = JSON.stringify(meta, null, 4);
  rmSync(file, { force: true });
  writeFileSync(file, text);
  const additional = path.join(to, '_snapshot_additional_metadata.json');
  rmSync(additional, { force: true });
  writeFileSync(
    additional,
    JSON.stringify({ snapshot_hash: createHash('sha256').update(text).digest('hex') }),
  );
}

describe('ledger snapshots and a new peer joining from one', () => {
  beforeAll(() => net.enter());
  afterAll(async () => {
    await clean(net.options);
    rmSync(net.home, { recursive: true, force: true });
    net.leave();
  }, 180_000);

  it('snapshots peer0.org1, adds peer1.org1 from it, and the new peer serves and follows the channel', async () => {
    await up(net.options);
    const first = await samplePaymentFlow(net.options);

    // Snapshot at the current height; a second run reuses it.
    const snap = await takeSnapshot({ ...net.options, peer: 'peer0.org1' });
    log(
      `snapshot took ${snap.seconds.toFixed(1)} s: block ${snap.blockNumber} (height ${snap.height}) in ${snap.dir}`,
    );
    const ctx0 = contextFor(net.options);
    const peer0 = ctx0.peers.find((p) => p.host === 'peer0.org1.example.com')!;
    expect(snap).toMatchObject({ peer: peer0.host, channel: 'payments', reused: false });
    expect(snap.dir).toBe(
      path.join(
        net.home,
        'run',
        'network',
        'nodes',
        peer0.host,
        'snapshots',
        'completed',
        'payments',
        String(snap.blockNumber),
      ),
    );
    expect(snap.height).toBe(await peerHeight(ctx0, peer0));
    const again = await takeSnapshot({ ...net.options, peer: 'peer0.org1.example.com' });
    expect(again).toMatchObject({ dir: snap.dir, blockNumber: snap.blockNumber, reused: true });

    // The ledger moves past the snapshot.
    const second = await samplePaymentFlow(net.options);
    const heightAfter = (await peerHeight(ctx0, peer0))!;
    expect(heightAfter).toBeGreaterThan(snap.height);

    // Refusals change nothing: not a snapshot, another channel, another chain.
    const topologyBefore = readFileSync(net.topologyFile, 'utf8');
    const peer1Dir = path.join(net.home, 'run', 'network', 'nodes', 'peer1.org1.example.com');
    const otherChannel = path.join(net.home, 'forged-channel');
    forge(snap.dir, otherChannel, (m) => (m.channel_name = 'other'));
    const otherChain = path.join(net.home, 'forged-chain');
    forge(snap.dir, otherChain, (m) => (m.last_block_hash = 'ab'.repeat(32)));
    for (const [dir, why] of [
      [path.join(net.home, 'no-such-dir'), /no such directory/],
      [path.dirname(snap.dir), /no _snapshot_signable_metadata.json/],
      [otherChannel, /snapshot of channel "other"; this network's channel is "payments"/],
      [otherChain, /it is of another chain/],
    ] as const) {
      const refused = addPeer({ ...net.options, org: 'Org1', fromSnapshot: dir });
      await expect(refused).rejects.toThrow(SnapshotDirError);
      await expect(refused).rejects.toThrow(why);
      expect(readFileSync(net.topologyFile, 'utf8')).toBe(topologyBefore);
      expect(existsSync(peer1Dir)).toBe(false);
    }

    // The new peer, from the snapshot.
    const added = await addPeer({ ...net.options, org: 'Org1', fromSnapshot: snap.dir });
    log(
      `peer add took ${added.seconds.toFixed(1)} s: ${added.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)}`).join(', ')}`,
    );
    log(
      `joined at height ${added.heights.atJoin}, reached ${added.heights.reached} in ${added.catchUpSeconds.toFixed(1)} s`,
    );
    expect(added).toMatchObject({
      org: 'Org1',
      peer: 'peer1.org1.example.com',
      plan: { index: 1, addToTopology: true, why: 'next' },
      topologyChanged: true,
      joined: 'snapshot',
      snapshot: { dir: snap.dir, blockNumber: snap.blockNumber },
    });
    expect(added.heights.atJoin).toBe(snap.height);
    expect(added.heights.reached).toBeGreaterThanOrEqual(heightAfter);
    expect(added.enrolled).toEqual(
      expect.arrayContaining(['peer1.org1.example.com', 'peer1.org1.example.com (TLS)']),
    );
    expect(added.enrolled).toHaveLength(2);

    const ctx = contextFor(net.options);
    expect(ctx.topology.orgs.find((o) => o.name === 'Org1')!.peers).toBe(2);
    const peer1 = ctx.peers.find((p) => p.host === 'peer1.org1.example.com')!;
    // At once: the balances before and after the snapshot, the same as peer0.org1 answers.
    for (const flow of [first, second]) {
      const onNew = await balancesOn(ctx, peer1, flow);
      expect(onNew).toEqual(await balancesOn(ctx, peer0, flow));
    }
    expect(await peerHeight(ctx, peer1)).toBe(await peerHeight(ctx, peer0));

    // It follows new blocks.
    const third = await samplePaymentFlow(net.options);
    const target = (await peerHeight(ctx, peer0))!;
    expect(await reachHeight(ctx, peer1, target)).toBe(target);
    expect(await balancesOn(ctx, peer1, third)).toEqual(await balancesOn(ctx, peer0, third));
    const info = await peerCli(ctx.layout, ctx.caPaths.org('Org1'), peer1, [
      'channel',
      'getinfo',
      '-c',
      'payments',
    ]);
    expect(info.stdout + info.stderr).toContain(`"height":${target}`);

    // Naming the peer, a second run changes nothing.
    const topologyNow = readFileSync(net.topologyFile, 'utf8');
    const rerun = await addPeer({ ...net.options, org: 'Org1', peer: 'peer1', fromSnapshot: snap.dir });
    expect(rerun).toMatchObject({
      peer: peer1.host,
      plan: { index: 1, addToTopology: false, why: 'named' },
      topologyChanged: false,
      joined: 'already',
      enrolled: [],
    });
    expect(readFileSync(net.topologyFile, 'utf8')).toBe(topologyNow);

    // A run cut short after the topology and identity steps (its progress throws as the peer is
    // about to start) is finished by the next run without --peer: the same peer, not another one,
    // joined from the genesis block. The supervisor running meanwhile is restarted to watch it.
    const supervisor = await startSupervisor(ctx, net.topologyFile);
    const interrupted = addPeer({
      ...net.options,
      org: 'Org1',
      progress: (line) => {
        if (line.startsWith('▶ start')) throw new Error('interrupted before the peer started');
        log(line);
      },
    });
    await expect(interrupted).rejects.toThrow('interrupted before the peer started');
    expect(contextFor(net.options).topology.orgs.find((o) => o.name === 'Org1')!.peers).toBe(3);
    const finished = await addPeer({ ...net.options, org: 'Org1' });
    log(
      `peer add from the genesis block took ${finished.seconds.toFixed(1)} s (catch-up ${finished.catchUpSeconds.toFixed(1)} s)`,
    );
    expect(finished).toMatchObject({
      peer: 'peer2.org1.example.com',
      plan: { index: 2, addToTopology: false, why: 'unfinished' },
      topologyChanged: false,
      joined: 'genesis',
      enrolled: [],
      heights: { atJoin: 1 },
    });
    const ctx3 = contextFor(net.options);
    expect(ctx3.topology.orgs.find((o) => o.name === 'Org1')!.peers).toBe(3);
    const peer2 = ctx3.peers.find((p) => p.host === 'peer2.org1.example.com')!;
    expect(await balancesOn(ctx3, peer2, third)).toEqual(await balancesOn(ctx3, peer0, third));
    const watching = readFileSync(supervisorFiles(ctx3.layout).log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; pid?: number; processes?: number })
      .filter((e) => e.event === 'watching');
    expect(watching.at(-1)!.pid).not.toBe(supervisor.pid);
    // Every orderer and peer, and every peer's chaincode server.
    expect(watching.at(-1)!.processes).toBe(ctx3.nodes.length + ctx3.peers.length);

    const s = await status(net.options);
    const names = s.processes.filter((p) => p.running).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([peer1.host, `${peer1.host} chaincode server`]));
    expect(s.processes.find((p) => p.name === peer1.host)?.height).toBeGreaterThanOrEqual(target);

    // down and up bring it back: its channel is found joined, nothing is redone.
    const stopped = await down(net.options);
    expect(stopped).toEqual(
      expect.arrayContaining([
        'supervisor',
        ...[peer1, peer2].flatMap((p) => [p.host, `${p.host} chaincode server`]),
      ]),
    );
    await up(net.options);
    expect(await reachHeight(ctx, peer1, target)).toBeGreaterThanOrEqual(target);
    expect(await balancesOn(ctx, peer1, third)).toEqual(await balancesOn(ctx, peer0, third));
    expect(await reachHeight(ctx3, peer2, target)).toBeGreaterThanOrEqual(target);
  }, 1_500_000);
});
