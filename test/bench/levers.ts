/**
 * Levers: the changes to the network's defaults and the chaincode's hot path, each measured
 * against the settings before it in one bench run (README "Performance", "Levers").
 *
 * A lever is described by what it replaced (`old`): the topology fields and node settings that
 * restore the previous behaviour. The rows are cumulative: `legacy` carries every lever's old
 * values (the chaincode and defaults before them), each next row drops one lever's, and the last
 * row is the bench topology as it is (main). A row is applied by restarting every process with a
 * topology variant (`down`, then `up`, which keeps the ledgers and accounts).
 */
import { down, up } from '@fabpay/network';
import {
  BENCH_HOME,
  benchOptions,
  benchTopologyFile,
  IMPLICIT_MAJORITY,
  setEndorsementPolicy,
  topologyVariant,
  useTopology,
} from './network';

/** The node settings of one process kind (see topology `nodeEnv`). */
type Env = Record<string, string>;

/** What a lever replaced: topology fields and node settings that bring the old behaviour back. */
export interface LeverOld {
  logging?: string;
  nodeEnv?: { orderer?: Env; peer?: Env; chaincode?: Env };
  /** Topology `chaincode.endorsementPolicy` (`up` redefines the chaincode when it differs). */
  endorsementPolicy?: string;
}

export interface Lever {
  name: string;
  /** What changed, and why it saves CPU. */
  description: string;
  old: LeverOld;
}

/**
 * Every lever, in the order they are measured. Each `old` restores exactly the setting the lever
 * changed; an empty node setting removes a tuned default (Fabric's or Node's own default then
 * applies).
 */
export const LEVERS: readonly Lever[] = [
  {
    name: 'direct-dispatch',
    description:
      'the chaincode dispatches the hot transactions (pay, payFrom, payWithCredits, payBatch and three queries) itself, with the same checks, instead of through fabric-contract-api, and parses the caller certificate once',
    old: { nodeEnv: { chaincode: { FABPAY_CHAINCODE_DISPATCH: 'contract' } } },
  },
  {
    name: 'quiet-chaincode',
    description:
      "the chaincode servers log at WARNING (fabric-shim's default is INFO: a line per transaction), and fabric-shim's loggers skip formatting lines they drop",
    old: { nodeEnv: { chaincode: { CORE_CHAINCODE_LOGGING_LEVEL: 'INFO' } } },
  },
  {
    name: 'quiet-peers',
    description:
      'peers log per-transaction lines (gRPC call completed, chaincode finished, transaction sent to orderer) at WARN, everything else at INFO',
    old: { logging: 'INFO' },
  },
  {
    name: 'explicit-endorsement',
    description:
      "the chaincode's endorsement policy is the majority of the orgs written out, OutOf(k, each org's peer), which a validating peer evaluates once, instead of the channel's implicit MAJORITY Endorsement, evaluated once per org",
    old: { endorsementPolicy: IMPLICIT_MAJORITY },
  },
];

/** The name of the row with every lever's old value: the chaincode and defaults before them. */
export const LEGACY = 'legacy';

/** One measured row: its name and the old values still in force. */
export interface LeverRow {
  name: string;
  description: string;
  old: LeverOld;
}

/** `into` with `from`'s values added (from's win). */
export function mergeOld(into: LeverOld, from: LeverOld): LeverOld {
  const out: LeverOld = {
    ...into,
    ...(from.logging !== undefined ? { logging: from.logging } : {}),
    ...(from.endorsementPolicy !== undefined ? { endorsementPolicy: from.endorsementPolicy } : {}),
  };
  if (from.nodeEnv) {
    const env = { ...(into.nodeEnv ?? {}) };
    for (const kind of ['orderer', 'peer', 'chaincode'] as const) {
      if (from.nodeEnv[kind]) env[kind] = { ...(env[kind] ?? {}), ...from.nodeEnv[kind] };
    }
    out.nodeEnv = env;
  }
  return out;
}

/** The cumulative rows for `levers`: legacy, then one lever more per row; the last is main. */
export function leverRows(levers: readonly Lever[] = LEVERS): LeverRow[] {
  const rows: LeverRow[] = [];
  for (let i = 0; i <= levers.length; i += 1) {
    const old = levers.slice(i).reduce<LeverOld>((acc, l) => mergeOld(acc, l.old), {});
    rows.push(
      i === 0
        ? { name: LEGACY, description: 'the chaincode and network defaults before every lever', old }
        : { name: `+${levers[i - 1]!.name}`, description: levers[i - 1]!.description, old },
    );
  }
  return rows;
}

/**
 * The bench topology with a row's old values applied, written into `dir` (the bench home); the
 * bench topology itself when nothing is old.
 */
export function leverTopology(old: LeverOld, source = benchTopologyFile(), dir = BENCH_HOME): string {
  if (old.logging === undefined && !old.nodeEnv && old.endorsementPolicy === undefined) return source;
  return topologyVariant(
    source,
    'topology-lever.yaml',
    (doc) => {
      if (old.logging !== undefined) doc.logging = old.logging;
      if (old.endorsementPolicy !== undefined) setEndorsementPolicy(doc, old.endorsementPolicy);
      if (old.nodeEnv) {
        const have = (doc.nodeEnv ?? {}) as Record<string, Env>;
        for (const [kind, env] of Object.entries(old.nodeEnv)) have[kind] = { ...(have[kind] ?? {}), ...env };
        doc.nodeEnv = have;
      }
    },
    dir,
  );
}

/** Restarts every process of the bench network with a row's settings (ledgers are kept). */
export async function applyLeverRow(log: (line: string) => void, row: LeverRow): Promise<number> {
  const t = Date.now();
  const file = leverTopology(row.old);
  const quiet = (): void => undefined;
  log(`[bench] levers: restarting the network as "${row.name}"`);
  await down(benchOptions(quiet, file));
  useTopology(file);
  await up(benchOptions(quiet, file));
  const seconds = (Date.now() - t) / 1000;
  log(`[bench] levers: "${row.name}" up in ${seconds.toFixed(1)} s`);
  return seconds;
}
