import type { NetworkContext } from '../context';
import { httpGet } from '../util/http';
import { waitFor } from '../util/wait';

/**
 * Waits until every peer knows every other peer on the channel through gossip. Until then the
 * peers' discovery service cannot name endorsers in other orgs and gateway submissions fail with
 * "no combination of peers can be derived which satisfy the endorsement policy".
 */
export async function waitForGossip(ctx: NetworkContext): Promise<void> {
  const channel = ctx.topology.channel.name;
  const others = ctx.peers.length - 1;
  await Promise.all(
    ctx.peers.map((peer) =>
      waitFor(
        `${peer.host} to know the other ${others} peers of ${channel} through gossip`,
        async () => {
          const res = await httpGet(`http://${peer.address}:${peer.operations}/metrics`, undefined, 2000);
          const line = res.body
            .split('\n')
            .find((l) => l.startsWith(`gossip_membership_total_peers_known{channel="${channel}"}`));
          return line && Number(line.split(' ').pop()) >= others ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      ),
    ),
  );
}
