/**
 * The channel's Raft leadership as the orderers report it: etcdraft's `is_leader` gauge on each
 * orderer's operations endpoint. Until one orderer leads, every broadcast is refused with
 * SERVICE_UNAVAILABLE ("no Raft leader"), so `up` waits for one before it calls the network ready.
 */
import type { NetworkContext } from '../context';
import type { NodeSpec } from '../nodes/specs';
import { httpGet } from '../util/http';
import { waitFor } from '../util/wait';

/** Whether an orderer says it leads the channel (etcdraft's is_leader gauge on /metrics). */
export async function isRaftLeader(orderer: NodeSpec, channel: string): Promise<boolean | undefined> {
  try {
    const res = await httpGet(`http://${orderer.address}:${orderer.operations}/metrics`, undefined, 2000);
    const line = res.body
      .split('\n')
      .find((l) => l.startsWith('consensus_etcdraft_is_leader{') && l.includes(`channel="${channel}"`));
    return line ? line.trim().endsWith(' 1') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hosts of the orderers (of `orderers`, default all) that say they lead the channel: one,
 * once an election is over.
 */
export async function raftLeaders(
  ctx: NetworkContext,
  orderers: readonly NodeSpec[] = ctx.orderers,
): Promise<string[]> {
  const channel = ctx.topology.channel.name;
  const flags = await Promise.all(orderers.map((o) => isRaftLeader(o, channel)));
  return orderers.filter((_, i) => flags[i] === true).map((o) => o.host);
}

/** Waits until exactly one orderer leads the channel; returns its host. */
export function waitForRaftLeader(ctx: NetworkContext, timeoutMs = 60_000): Promise<string> {
  return waitFor(
    `a Raft leader of ${ctx.topology.channel.name}`,
    async () => {
      const leaders = await raftLeaders(ctx);
      return leaders.length === 1 ? leaders[0] : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
