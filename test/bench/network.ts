/**
 * The benchmark's own network: test/bench/topology.yaml (ports 19000+, or from
 * FABPAY_BENCH_PORT_BASE through a copy in the bench home) in its own home
 * (`<repo>/.fabric/bench-home`), brought up or reused, and the settings the bench varies on it
 * while it runs: block cutting and the channel capability (channel configuration updates signed by
 * the orderer org's admin), the chaincode endorsement policy (a chaincode upgrade, sequence + 1)
 * and governance custody (a governance proposal approved by a majority of the orgs' admins).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '@fabpay/topology';
import {
  changeGovernance,
  CHANNEL_POLICY_PREFIX,
  clean,
  contextFor,
  deploy,
  fetchChannelConfig,
  getGovernance,
  status,
  termsOf,
  up,
  updateChannelConfig,
  type ChannelConfig,
  type NetworkContext,
  type NetworkOptions,
} from '@fabpay/network';
import type { TrackedProcess } from './cpu';
import { DEFAULT_BENCH_PORT_BASE, parsePortBase, withPortBase } from './ports';

/** The bench topology as checked in (portBase 19000). */
export const BENCH_TOPOLOGY = path.join(repoRoot(), 'test', 'bench', 'topology.yaml');
export const BENCH_HOME = path.join(repoRoot(), '.fabric', 'bench-home');

/**
 * The topology file the bench runs: test/bench/topology.yaml, or, when FABPAY_BENCH_PORT_BASE
 * moves the ports, a copy with that portBase written into the bench home (rewritten on every
 * call, so it never goes stale against the checked-in file).
 */
export function benchTopologyFile(): string {
  const base = parsePortBase(process.env.FABPAY_BENCH_PORT_BASE);
  if (base === DEFAULT_BENCH_PORT_BASE) return BENCH_TOPOLOGY;
  mkdirSync(BENCH_HOME, { recursive: true });
  const file = path.join(BENCH_HOME, `topology-ports-${base}.yaml`);
  writeFileSync(file, withPortBase(readFileSync(BENCH_TOPOLOGY, 'utf8'), base));
  return file;
}

/** Points fabpay's path rules (read on every call) at the bench home. */
export function useBenchHome(): void {
  process.env.FABPAY_HOME = BENCH_HOME;
}

let activeTopologyFile: string | undefined;

/** The topology file the bench network runs with now: a lever row's variant, or the bench topology. */
export function activeTopology(): string {
  return activeTopologyFile ?? benchTopologyFile();
}

/**
 * A copy of the topology file `source` with `edit` applied to its document, written into `dir`
 * (the bench home) as `name`; returns its path.
 */
export function topologyVariant(
  source: string,
  name: string,
  edit: (doc: Record<string, unknown>) => void,
  dir = BENCH_HOME,
): string {
  const doc = parse(readFileSync(source, 'utf8')) as Record<string, unknown>;
  edit(doc);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `# written by the bench from ${path.basename(source)}; do not edit\n${stringify(doc)}`);
  return file;
}

/** Sets `chaincode.endorsementPolicy` in a topology document (the rest of its chaincode section kept). */
export function setEndorsementPolicy(doc: Record<string, unknown>, policy: string): void {
  doc.chaincode = { ...((doc.chaincode ?? {}) as Record<string, unknown>), endorsementPolicy: policy };
}

/** Makes `file` the topology every later bench step (status, upgrades, restarts) uses. */
export function useTopology(file: string): void {
  activeTopologyFile = file;
}

export function benchOptions(log: (line: string) => void, topologyFile = activeTopology()): NetworkOptions {
  useBenchHome();
  return { topologyFile, progress: (line) => log(`[network] ${line}`) };
}

/** Brings the bench network up, or reuses it if everything already runs. */
export async function ensureNetwork(
  log: (line: string) => void,
): Promise<{ reused: boolean; seconds: number }> {
  const t = Date.now();
  const st = await status(benchOptions(log));
  const nodes = st.processes.filter((p) => p.kind !== 'ca');
  const reused =
    nodes.length > 0 && nodes.every((p) => p.running && p.healthy !== false) && st.committed !== undefined;
  if (!reused) await up(benchOptions(log));
  return { reused, seconds: (Date.now() - t) / 1000 };
}

export async function cleanNetwork(log: (line: string) => void): Promise<void> {
  await clean(benchOptions(log));
}

/** Orderers, peers and chaincode servers with their current pids. */
export async function trackedProcesses(log: (line: string) => void): Promise<TrackedProcess[]> {
  const st = await status(benchOptions(log));
  const out: TrackedProcess[] = [];
  for (const p of st.processes) {
    if (p.pid === undefined) continue;
    if (p.kind === 'orderer') out.push({ name: p.name, group: 'orderers', pid: p.pid });
    else if (p.kind === 'peer') out.push({ name: p.name, group: 'peers', pid: p.pid });
    else if (p.kind === 'chaincode') out.push({ name: p.name, group: 'chaincode', pid: p.pid });
  }
  return out;
}

export function benchContext(log: (line: string) => void): NetworkContext {
  return contextFor(benchOptions(log));
}

// ------------------------------------------------------------------------------------------------
// Block cutting: a channel config update of Orderer/BatchSize and Orderer/BatchTimeout.
// ------------------------------------------------------------------------------------------------

export interface BatchSetting {
  /** Go duration, e.g. 250ms. */
  timeout: string;
  maxMessageCount: number;
}

export function batchLabel(b: BatchSetting): string {
  return `${b.timeout}/${b.maxMessageCount}`;
}

interface ConfigValue<T> {
  value: T;
}
interface ChannelConfigJson {
  channel_group: {
    values: { Capabilities: ConfigValue<{ capabilities: Record<string, object> }> };
    groups: {
      Orderer: {
        values: {
          ConsensusType: ConfigValue<{ metadata: { options: { snapshot_interval_size: number } } }>;
          BatchSize: ConfigValue<{
            max_message_count: number;
            absolute_max_bytes: number;
            preferred_max_bytes: number;
          }>;
          BatchTimeout: ConfigValue<{ timeout: string }>;
        };
      };
    };
  };
}

/**
 * Applies a change to the channel configuration through the network's config update path, signed
 * by the orderer org's admin (and first by every peer org's admin for channel-wide values), then
 * waits until the orderers serve it. `edit` changes the config in place and returns false when
 * there is nothing to change.
 */
async function updateChannelConfigAndWait(
  log: (line: string) => void,
  what: string,
  edit: (config: ChannelConfigJson) => boolean,
  { peerOrgAdminsSign = false } = {},
): Promise<boolean> {
  const ctx = benchContext(log);
  const ordererOrg = ctx.topology.ordererOrg.name;
  const signers = [...(peerOrgAdminsSign ? ctx.topology.orgs.map((o) => o.name) : []), ordererOrg];
  const benchEdit = (config: ChannelConfig): boolean => edit(config as unknown as ChannelConfigJson);
  if (!(await updateChannelConfig(ctx, { what, signers, edit: benchEdit }))) return false;
  mkdirSync(BENCH_HOME, { recursive: true });
  const dir = mkdtempSync(path.join(BENCH_HOME, 'configupdate-'));
  try {
    const until = Date.now() + 30_000;
    for (;;) {
      // Applied once the edit finds nothing left to change.
      if (!benchEdit(await fetchChannelConfig(ctx, ordererOrg, dir))) return true;
      if (Date.now() > until) throw new Error(`channel config update (${what}) not visible 30 s later`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sets the channel's block cutting; returns false when it already had these values. */
export async function setBatch(log: (line: string) => void, want: BatchSetting): Promise<boolean> {
  return updateChannelConfigAndWait(log, `block cutting -> ${batchLabel(want)}`, (config) => {
    const v = config.channel_group.groups.Orderer.values;
    if (
      v.BatchTimeout.value.timeout === want.timeout &&
      v.BatchSize.value.max_message_count === want.maxMessageCount
    )
      return false;
    v.BatchTimeout.value.timeout = want.timeout;
    v.BatchSize.value.max_message_count = want.maxMessageCount;
    return true;
  });
}

/**
 * Sets the Raft snapshot interval (bytes of blocks between snapshots, etcdraft
 * SnapshotIntervalSize); returns false when the channel already has it.
 */
export async function setSnapshotInterval(log: (line: string) => void, bytes: number): Promise<boolean> {
  return updateChannelConfigAndWait(log, `Raft snapshot interval -> ${bytes} bytes`, (config) => {
    const options = config.channel_group.groups.Orderer.values.ConsensusType.value.metadata.options;
    if (options.snapshot_interval_size === bytes) return false;
    options.snapshot_interval_size = bytes;
    return true;
  });
}

/** The channel-level capability (`V3_0` as the network creates it, or `V2_0`). */
export type ChannelCapability = 'V3_0' | 'V2_0';

/** Sets the channel group's capability; returns false when it already had it. */
export async function setChannelCapability(
  log: (line: string) => void,
  want: ChannelCapability,
): Promise<boolean> {
  return updateChannelConfigAndWait(
    log,
    `channel capability -> ${want}`,
    (config) => {
      const caps = config.channel_group.values.Capabilities.value.capabilities;
      const have = Object.keys(caps);
      if (have.length === 1 && have[0] === want) return false;
      config.channel_group.values.Capabilities.value.capabilities = { [want]: {} };
      return true;
    },
    { peerOrgAdminsSign: true },
  );
}

// ------------------------------------------------------------------------------------------------
// Endorsement policy: a chaincode upgrade (new package, sequence + 1) with another signature policy.
// ------------------------------------------------------------------------------------------------

/**
 * `majority`: the network's default, a majority of the orgs written out (`OutOf(k, each org's
 * peer)`, both of the bench's two orgs); `implicit`: the same rule as a reference to the channel's
 * implicit-meta `MAJORITY Endorsement` (the default before), which a validating peer evaluates
 * once per org; `any`: OR of the orgs' peers (one org endorses).
 */
export const ENDORSEMENTS = ['majority', 'implicit', 'any'] as const;
export type Endorsement = (typeof ENDORSEMENTS)[number];

/** The channel's implicit MAJORITY, as a chaincode policy reference. */
export const IMPLICIT_MAJORITY = `${CHANNEL_POLICY_PREFIX}Application/Endorsement`;

/** The topology `chaincode.endorsementPolicy` for a setting; undefined: the network's default. */
export function endorsementPolicyFor(want: Endorsement, mspIds: readonly string[]): string | undefined {
  if (want === 'any') return `OR(${mspIds.map((m) => `'${m}.peer'`).join(',')})`;
  if (want === 'implicit') return IMPLICIT_MAJORITY;
  return undefined;
}

const STATE_FILE = (): string => path.join(BENCH_HOME, 'bench-state.json');

interface BenchState {
  endorsement: Endorsement;
}

export function readEndorsement(): Endorsement {
  try {
    return (JSON.parse(readFileSync(STATE_FILE(), 'utf8')) as BenchState).endorsement;
  } catch {
    return 'majority';
  }
}

/** Upgrades the chaincode to the wanted policy unless it already has it (recorded in the bench home). */
export async function setEndorsement(log: (line: string) => void, want: Endorsement): Promise<boolean> {
  if (readEndorsement() === want) return false;
  const ctx = benchContext(log);
  let topologyFile = activeTopology();
  const policy = endorsementPolicyFor(
    want,
    ctx.topology.orgs.map((o) => o.mspId),
  );
  if (policy !== undefined) {
    topologyFile = topologyVariant(topologyFile, `topology-endorsement-${want}.yaml`, (doc) =>
      setEndorsementPolicy(doc, policy),
    );
  }
  log(`[bench] chaincode upgrade: endorsement ${readEndorsement()} -> ${want}`);
  const t = Date.now();
  const result = await deploy({ ...benchOptions(log, topologyFile), upgrade: true });
  writeFileSync(STATE_FILE(), `${JSON.stringify({ endorsement: want } satisfies BenchState)}\n`);
  log(
    `[bench] chaincode ${result.version} (sequence ${result.sequence}) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  return true;
}

// ------------------------------------------------------------------------------------------------
// Custody: governance's key-level endorsement on account keys, changed by a governance proposal.
// ------------------------------------------------------------------------------------------------

/**
 * `on`: every key holding an account's money carries a key-level endorsement policy naming the
 * owner's org (and a majority of members), validated by every peer on every write; `off`: keys
 * created from then on carry none. A key keeps the policy it was created with, so a run measures
 * a custody setting only with accounts opened while that setting held (see setup.ts).
 */
export type Custody = 'on' | 'off';

/** The governance's custody setting on the bench network. */
export async function readCustody(log: (line: string) => void): Promise<Custody> {
  return (await getGovernance(benchOptions(log))).custody ? 'on' : 'off';
}

/**
 * Sets governance custody (proposed by the first org's admin, approved by the others until
 * applied, through the network package); returns false when the ledger already has it.
 */
export async function setCustody(log: (line: string) => void, want: Custody): Promise<boolean> {
  const options = benchOptions(log);
  const current = await getGovernance(options);
  if (current.custody === (want === 'on')) return false;
  log(`[bench] governance: custody ${current.custody ? 'on' : 'off'} -> ${want}`);
  const t = Date.now();
  const next = await changeGovernance(options, { ...termsOf(current), custody: want === 'on' });
  log(`[bench] governance version ${next.version} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return true;
}
