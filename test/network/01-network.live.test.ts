/**
 * The native network as `up` leaves it: Raft consenters and one leader, every peer at the same
 * height, the chaincode committed and answering everywhere; then `down` + `up` (five times, back
 * to back) keeping the ledger, and an orderer crash that the network rides out and recovers from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  channelCapability,
  crashNode,
  deploy,
  down,
  fetchChannelConfig,
  ordererChannelInfo,
  peerHeight,
  queryCommitted,
  raftLeaders,
  samplePaymentFlow,
  startNode,
  up,
  waitForChaincodeOnEveryPeer,
  waitHealthy,
  runningPid,
  type NetworkContext,
} from '@fabpay/network';
import { liveNetwork, networkOptions } from '../support/live-network';

/** Polls until `check` holds; fails with what it was waiting for. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function heights(ctx: NetworkContext): Promise<(number | undefined)[]> {
  return Promise.all(ctx.peers.map((p) => peerHeight(ctx, p)));
}

/** Waits until every peer reports the same height, and returns it. */
async function sameHeightEverywhere(ctx: NetworkContext): Promise<number> {
  return eventually('every peer to reach the same height', async () => {
    const hs = await heights(ctx);
    return hs.every((h) => h !== undefined && h === hs[0]) ? hs[0] : undefined;
  });
}

describe('native Fabric network', () => {
  const ctx = liveNetwork();
  const channel = ctx.topology.channel.name;

  it('has every orderer as an active consenter and exactly one Raft leader', async () => {
    for (const orderer of ctx.orderers) {
      const info = await ordererChannelInfo(orderer, channel);
      expect({ host: orderer.host, relation: info?.consensusRelation, status: info?.status }).toEqual({
        host: orderer.host,
        relation: 'consenter',
        status: 'active',
      });
    }
    const found = await eventually('exactly one Raft leader', async () => {
      const l = await raftLeaders(ctx);
      return l.length === 1 ? l : undefined;
    });
    expect(found).toHaveLength(1);
  });

  it("runs the channel with the installed Fabric's channel capability", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-config-'));
    try {
      const config = await fetchChannelConfig(ctx, 'Org1', dir);
      const capabilities = config.channel_group.values.Capabilities?.value as { capabilities: object };
      expect(Object.keys(capabilities.capabilities)).toEqual([channelCapability()]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has the chaincode committed at the expected sequence, answering on every peer', async () => {
    const committed = await queryCommitted(ctx);
    expect(committed).toMatchObject({ sequence: 1, version: ctx.topology.chaincode.version });
    // Every org approved the committed definition (what `org add` checks before redefining it).
    expect(committed?.approvals).toEqual(Object.fromEntries(ctx.topology.orgs.map((o) => [o.mspId, true])));
    await waitForChaincodeOnEveryPeer(ctx);
  });

  it('commits a payment flow, and every peer reaches the same height', async () => {
    const before = await sameHeightEverywhere(ctx);
    const result = await samplePaymentFlow(networkOptions());
    expect(result.balances.bob).toMatchObject({ available: '2500' });
    const after = await sameHeightEverywhere(ctx);
    expect(after).toBeGreaterThan(before);
  });

  it('keeps the ledger across down then up at once, five times in a row, and commits after', async () => {
    // `up` straight after `down` races every listener that is still closing or not yet open
    // (the orderer admin endpoint first among them); run under load (npm run test:loaded) too.
    const before = await sameHeightEverywhere(ctx);
    const seconds: string[] = [];
    for (let cycle = 1; cycle <= 5; cycle++) {
      const t = Date.now();
      const stopped = await down(networkOptions());
      expect(stopped.length).toBeGreaterThanOrEqual(ctx.nodes.length);
      const result = await up(networkOptions());
      expect(result.deployment.changed).toBe(false);
      // Ready when `up` returns: the channel has its Raft leader (no "no Raft leader" refusals).
      expect(await raftLeaders(ctx)).toHaveLength(1);
      seconds.push(((Date.now() - t) / 1000).toFixed(1));
    }
    process.stderr.write(`[network] down + up, five times: ${seconds.join(', ')} s\n`);
    expect(await sameHeightEverywhere(ctx)).toBe(before);
    const flow = await samplePaymentFlow(networkOptions());
    expect(flow.balances.bob).toMatchObject({ available: '2500' });
    expect(await sameHeightEverywhere(ctx)).toBeGreaterThan(before);
  }, 600_000);

  it('commits after the Raft leader is SIGKILLed, and the orderer catches up after restart', async () => {
    const [leaderHost] = await eventually('a Raft leader', async () => {
      const l = await raftLeaders(ctx);
      return l.length === 1 ? l : undefined;
    });
    const victim = ctx.orderers.find((o) => o.host === leaderHost)!;
    expect(await crashNode(victim)).toBeDefined();
    // The survivors elect a new leader; until then the ordering service answers SERVICE_UNAVAILABLE.
    const newLeader = await eventually('a new Raft leader among the surviving orderers', async () => {
      const l = await raftLeaders(
        ctx,
        ctx.orderers.filter((o) => o !== victim),
      );
      return l.length === 1 ? l[0] : undefined;
    });
    expect(newLeader).not.toBe(victim.host);
    let peersAt: number;
    try {
      const result = await samplePaymentFlow(networkOptions());
      expect(result.balances.alice).toMatchObject({ available: '97500' });
      peersAt = await sameHeightEverywhere(ctx);
    } finally {
      // Later suites share the network: the crashed orderer comes back whatever happened above.
      await startNode(ctx, victim);
      await waitHealthy(victim);
    }
    const caughtUp = await eventually(`${victim.host} to catch up to height ${peersAt}`, async () => {
      const info = await ordererChannelInfo(victim, channel);
      return info && info.height >= peersAt ? info.height : undefined;
    });
    expect(caughtUp).toBe(peersAt);
  });

  it('deploys a new chaincode version with sequence + 1 without restarting orderers or peers', async () => {
    const before = await queryCommitted(ctx);
    const pids = ctx.nodes.map((n) => runningPid(n.process));
    const result = await deploy(networkOptions());
    expect(result.sequence).toBe(before!.sequence + 1);
    expect(await queryCommitted(ctx)).toMatchObject({ sequence: result.sequence, version: result.version });
    expect(result.version).not.toBe(before!.version);
    expect(ctx.nodes.map((n) => runningPid(n.process))).toEqual(pids);
    await waitForChaincodeOnEveryPeer(ctx);
    // `up` afterwards resumes the deployed version and changes nothing.
    const again = await up(networkOptions());
    expect(again.deployment).toMatchObject({
      sequence: result.sequence,
      version: result.version,
      changed: false,
    });
  });
});
