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
 * Defaults chosen by measurement (`npm run bench`, levers section; README "Performance"); each
 * entry says what it replaced and what it saved. Empty values are not set at all.
 *
 * Tried and not adopted: Fabric's history index off on peers
 * (CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=false; the chaincode never calls GetHistoryForKey,
 * and it cost about 2% of peer CPU in the profiles). On Fabric 3.1.5 the hosts suite's partition
 * tests then failed twice in two runs, with thousands of endorsement mismatches between the orgs'
 * peers. They later failed the same way with it on (README "Performance"), so the test is flaky
 * on 3.1.5 whatever this setting; it stays on until that is understood.
 */
export const TUNED_NODE_ENV: Readonly<Record<TunableKind, Readonly<Record<string, string>>>> = {
  orderer: {},
  peer: {},
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
