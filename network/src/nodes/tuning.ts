/**
 * Node settings: the one place the network's tuned defaults for orderers, peers and chaincode
 * servers live, and how a topology's `nodeEnv` replaces them.
 *
 * A process's environment is what the network generates (addresses, TLS, MSP, paths: the
 * wiring), then {@link TUNED_NODE_ENV} for its kind, then the topology's `nodeEnv` for its kind.
 * Wiring cannot be replaced: a typo there would start a node that cannot join, so it is refused
 * with the variable's name before anything starts.
 */
import type { Topology } from '@fabpay/topology';

/** The process kinds that take node settings. */
export type TunableKind = 'orderer' | 'peer' | 'chaincode';

/**
 * Defaults chosen by measurement (`npm run bench`, levers section; README "Performance") or by a
 * failure seen on a live network; each entry says what it replaced and why. Empty values are not
 * set at all.
 *
 * Keepalive of a peer's block delivery (peer `peer.keepalive.deliveryClient`, default 60 s
 * interval and 20 s timeout; orderer `General.Keepalive.ServerMinInterval`, default 60 s). A
 * peer's deliver stream only receives, so nothing but its keepalive ping tells it the orderer has
 * dropped the connection. After a partition as long as the orderer's 20 s TCP user timeout, the
 * orderer had given up on its side of the connection without the peer learning of it, and the
 * peer waited for blocks on a dead stream until its next ping, up to a minute after the heal. All
 * that time its org endorsed on a stale ledger and payments failed on endorsement mismatches: the
 * hosts suite's partition test saw it in 4 of 7 runs on Fabric 3.1.5 (3,700 to 4,300 mismatches
 * over about 40 s in those that counted them), and 738 mismatches in one CI run on the 2023 build. A ping after 10 s of silence, answered
 * within 10 s, finds the dead stream during the partition or right after it; the orderer must
 * then accept a ping every 10 s (grpc-go closes a client that pings more often than the server's
 * minimum), so its minimum is 5 s.
 *
 * Tried and not adopted: Fabric's history index off on peers
 * (CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=false; the chaincode never calls GetHistoryForKey,
 * and it cost about 2% of peer CPU in the profiles). On Fabric 3.1.5 the hosts suite's partition
 * tests then failed twice in two runs, with thousands of endorsement mismatches between the orgs'
 * peers. They later failed the same way with it on (README "Performance"): the cause was the
 * delivery keepalive above, not the index. It stays on for now; turning it off is worth about 2%
 * of peer CPU and needs its own measurement.
 */
export const TUNED_NODE_ENV: Readonly<Record<TunableKind, Readonly<Record<string, string>>>> = {
  orderer: { ORDERER_GENERAL_KEEPALIVE_SERVERMININTERVAL: '5s' },
  peer: {
    CORE_PEER_KEEPALIVE_DELIVERYCLIENT_INTERVAL: '10s',
    CORE_PEER_KEEPALIVE_DELIVERYCLIENT_TIMEOUT: '10s',
  },
  chaincode: {},
};

/** Thrown when a topology's node settings would replace the network's wiring. */
export class NodeSettingError extends Error {
  constructor(
    readonly kind: TunableKind,
    readonly variable: string,
  ) {
    super(
      `topology nodeEnv.${kind}.${variable}: set by the network itself (addresses, TLS, MSP or paths); remove it from nodeEnv`,
    );
    this.name = 'NodeSettingError';
  }
}

/**
 * The environment of one process: the generated wiring, the tuned defaults of its kind, then the
 * topology's node settings of its kind.
 */
export function withNodeSettings(
  kind: TunableKind,
  wiring: NodeJS.ProcessEnv,
  topology: Pick<Topology, 'nodeEnv'>,
  defaults: Readonly<Record<TunableKind, Readonly<Record<string, string>>>> = TUNED_NODE_ENV,
): NodeJS.ProcessEnv {
  const overrides = topology.nodeEnv[kind];
  for (const name of Object.keys(overrides)) {
    if (name in wiring) throw new NodeSettingError(kind, name);
  }
  const env: NodeJS.ProcessEnv = { ...wiring };
  for (const [name, value] of Object.entries({ ...defaults[kind], ...overrides })) {
    if (value !== '') env[name] = value;
  }
  return env;
}
