/**
 * Observes the Raft cluster for the membership commands: every orderer slot the topology ever
 * created (removed ones included, so an interrupted removal can still find and stop its process),
 * whether its process runs, whether it joined the channel and answers as an active consenter, and
 * the consenter set of the channel's latest config.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runningPid, type Topology } from '@fabpay/topology';
import { paths as caPathsOf } from '@fabpay/ca';
import { ordererChannelInfo } from '../channel/channel';
import { networkContext, type NetworkContext } from '../context';
import { nodeHealth } from '../nodes/lifecycle';
import type { NodeSpec } from '../nodes/specs';
import { fetchConfigBlock, type ConfigBlock } from './config-block';
import { isTransientCliFailure, retryTransient } from '../util/transient';
import { consenterAddress, consentersOf, ordererEndpointsOf, type Consenter } from './consenters';
import type { ClusterView, ObservedOrderer } from './rules';

/**
 * The context of every orderer slot `orderer0..orderer<n-1>`, removed ones included (their ports
 * and files never move). Its `orderers` are for finding a slot's files and ports only: a removed
 * one is not part of the network.
 */
export function allSlotsContext(topology: Topology): NetworkContext {
  const all: Topology = { ...topology, ordererOrg: { ...topology.ordererOrg, removed: [] } };
  return networkContext(all, caPathsOf(all));
}

/** The short name `orderer<k>` of an orderer host `orderer<k>.<domain>`. */
export const shortName = (node: NodeSpec): string => node.host.split('.')[0]!;

/**
 * The consenter entry describing an orderer: the host name the channel configuration names it by
 * (nodes/specs `channelHost`, as channel/configtx.ts writes the genesis), its port, its TLS
 * certificate.
 */
export function consenterFor(node: NodeSpec): Consenter {
  const cert = readFileSync(path.join(node.tlsDir, 'server.crt')).toString('base64');
  return { host: node.channelHost, port: node.listen, client_tls_cert: cert, server_tls_cert: cert };
}

/** The OrdererEndpoints address of an orderer. */
export const endpointOf = (node: NodeSpec): string =>
  consenterAddress({ host: node.channelHost, port: node.listen });

/** Whether a consenter entry is this orderer's (same address). */
export const isConsenterOf = (c: Pick<Consenter, 'host' | 'port'>, node: NodeSpec): boolean =>
  c.host === node.channelHost && c.port === node.listen;

/** One slot as observed, with its node. */
export interface ObservedSlot extends ObservedOrderer {
  node: NodeSpec;
}

/** What {@link observeCluster} found. */
export interface ClusterObservation {
  view: ClusterView;
  slots: ObservedSlot[];
  /** The latest config block, as fetched (from an orderer that answered). */
  block: ConfigBlock;
}

/** Thrown when no orderer of the topology answers, so the cluster cannot be observed. */
export class NoOrdererAnswersError extends Error {
  constructor(tried: string[]) {
    super(
      `no orderer answers on its channel participation API (tried ${tried.join(', ') || 'none'}): start the network with \`fabpay-network up\``,
    );
    this.name = 'NoOrdererAnswersError';
  }
}

/**
 * Observes every slot (process, health, channel participation) and reads the consenter set from
 * the latest config block of the first healthy joined orderer.
 */
export async function observeCluster(topology: Topology, dir: string): Promise<ClusterObservation> {
  const all = allSlotsContext(topology);
  const removed = new Set(topology.ordererOrg.removed);
  const channel = topology.channel.name;
  const probed = await Promise.all(
    all.orderers.map(async (node) => {
      const running = runningPid(node.process) !== undefined;
      // /healthz has a timeout; osnadmin has none, so a stopped (SIGSTOP) orderer is asked only
      // once it answered health.
      const healthy = running && (await nodeHealth(node)).ok;
      const info = healthy ? await ordererChannelInfo(node, channel) : undefined;
      return { node, running, info };
    }),
  );
  // An active consenter serves the latest config; an orderer evicted by an interrupted removal
  // (a follower now) may lag, so it is only the fallback.
  const member = (p: (typeof probed)[number]): boolean => !!p.info && !removed.has(shortName(p.node));
  const active = (p: (typeof probed)[number]): boolean =>
    member(p) && p.info?.status === 'active' && p.info.consensusRelation === 'consenter';
  const sources = [...probed.filter(active), ...probed.filter((p) => member(p) && !active(p))];
  if (sources.length === 0) throw new NoOrdererAnswersError(all.orderers.map((o) => o.host));
  // An orderer that says it is an active consenter can still refuse to deliver for a moment
  // (SERVICE_UNAVAILABLE while it has no contact with a leader, e.g. just after a restart; seen in
  // the Raft suite): ask the next one, and retry while every one refuses transiently.
  const block = await retryTransient(
    'the latest config block of the channel from an orderer',
    async () => {
      let last: unknown;
      for (const source of sources) {
        try {
          return await fetchConfigBlock(all, source.node, dir, 'observed');
        } catch (err) {
          if (!isTransientCliFailure(err)) throw err;
          last = err;
        }
      }
      throw last;
    },
    { timeoutMs: 30_000 },
  );
  const consenters = consentersOf(block.config);
  const endpoints = ordererEndpointsOf(block.config, topology.ordererOrg.mspId);
  const slots: ObservedSlot[] = probed.map(({ node, running, info }) => ({
    node,
    name: shortName(node),
    removed: removed.has(shortName(node)),
    consenter: consenters.some((c) => isConsenterOf(c, node)),
    endpoint: endpoints.includes(endpointOf(node)),
    running,
    joined: info !== undefined,
    alive: info?.status === 'active' && info.consensusRelation === 'consenter',
  }));
  const strangers = consenters
    .filter((c) => !all.orderers.some((node) => isConsenterOf(c, node)))
    .map((c) => `${c.host}:${c.port}`);
  return {
    view: {
      slots: topology.ordererOrg.orderers,
      orderers: slots.map(({ node: _node, ...o }) => o),
      strangers,
    },
    slots,
    block,
  };
}
