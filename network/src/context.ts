import { runningPid, type Topology } from '@fabpay/topology';
import type { TopologyPaths } from '@fabpay/ca';
import { networkLayout, type NetworkLayout } from './layout';
import { nodeSpecs, type NodeSpec } from './nodes/specs';

/** Everything the network steps share: the topology and where its pieces are. */
export interface NetworkContext {
  topology: Topology;
  layout: NetworkLayout;
  caPaths: TopologyPaths;
  nodes: NodeSpec[];
  orderers: NodeSpec[];
  peers: NodeSpec[];
  /** Progress lines for the CLI. */
  progress: (message: string) => void;
}

export function networkContext(
  topology: Topology,
  caPaths: TopologyPaths,
  progress: (message: string) => void = () => undefined,
): NetworkContext {
  const layout = networkLayout();
  const nodes = nodeSpecs(topology, caPaths, layout);
  return {
    topology,
    layout,
    caPaths,
    nodes,
    orderers: nodes.filter((n) => n.kind === 'orderer'),
    peers: nodes.filter((n) => n.kind === 'peer'),
    progress,
  };
}

/** The peers of one organisation. */
export function peersOf(ctx: NetworkContext, org: string): NodeSpec[] {
  return ctx.peers.filter((p) => p.org === org);
}

/**
 * An orderer to send transactions to: the first one whose process is running. The peer CLI takes
 * a single orderer endpoint, so with one orderer down (a crash, a restart) it must not be that one.
 */
export function runningOrderer(ctx: NetworkContext): NodeSpec {
  const orderer = ctx.orderers.find((o) => runningPid(o.process) !== undefined);
  if (!orderer) throw new Error('no orderer is running: start the network with `fabpay-network up`');
  return orderer;
}
