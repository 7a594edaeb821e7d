/**
 * The benchmark's own network: test/bench/topology.yaml (ports 37000+) in its own home
 * (`<repo>/.fabric/bench-home`), brought up or reused, and the two settings the bench varies on it
 * while it runs: block cutting (a channel configuration update signed by the orderer org's admin)
 * and the chaincode endorsement policy (a chaincode upgrade, sequence + 1).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binaryPath, repoRoot } from '@fabpay/topology';
import {
  clean,
  contextFor,
  deploy,
  peerCli,
  status,
  up,
  type NetworkContext,
  type NetworkOptions,
} from '@fabpay/network';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TrackedProcess } from './cpu';

const run = promisify(execFile);

export const BENCH_TOPOLOGY = path.join(repoRoot(), 'test', 'bench', 'topology.yaml');
export const BENCH_HOME = path.join(repoRoot(), '.fabric', 'bench-home');

/** Points fabpay's path rules (read on every call) at the bench home. */
export function useBenchHome(): void {
  process.env.FABPAY_HOME = BENCH_HOME;
}

export function benchOptions(log: (line: string) => void, topologyFile = BENCH_TOPOLOGY): NetworkOptions {
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
interface BlockJson {
  data: { data: { payload: { data: { config: ChannelConfigJson } } }[] };
}

async function configtxlator(args: string[]): Promise<void> {
  await run(binaryPath('configtxlator'), args, { maxBuffer: 64 * 1024 * 1024 });
}

/** Runs the peer CLI as the orderer org's admin (it signs channel config updates). */
async function ordererAdminPeer(ctx: NetworkContext, args: string[]): Promise<void> {
  const orderer = ctx.orderers[0]!;
  const flags = [
    '-o',
    `127.0.0.1:${orderer.listen}`,
    '--tls',
    '--cafile',
    path.join(orderer.tlsDir, 'ca.crt'),
  ];
  const res = await peerCli(
    ctx.layout,
    ctx.caPaths.org(ctx.topology.ordererOrg.name),
    ctx.peers[0]!,
    [...args, ...flags],
    {
      allowFailure: true,
    },
  );
  if (res.code !== 0)
    throw new Error(
      `peer ${args.slice(0, 2).join(' ')} failed: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
}

async function fetchConfig(ctx: NetworkContext, dir: string): Promise<ChannelConfigJson> {
  const channel = ctx.topology.channel.name;
  const blockPb = path.join(dir, `block-${Date.now()}.pb`);
  await ordererAdminPeer(ctx, ['channel', 'fetch', 'config', blockPb, '-c', channel]);
  const blockJson = `${blockPb}.json`;
  await configtxlator(['proto_decode', '--input', blockPb, '--type', 'common.Block', '--output', blockJson]);
  const block = JSON.parse(readFileSync(blockJson, 'utf8')) as BlockJson;
  return block.data.data[0]!.payload.data.config;
}

/**
 * Applies a change to the channel configuration (fetch, edit, compute the update, sign as the
 * orderer org's admin, submit) and waits until the orderers serve it. `edit` changes the config in
 * place and returns false when there is nothing to change.
 */
async function updateChannelConfig(
  log: (line: string) => void,
  what: string,
  edit: (config: ChannelConfigJson) => boolean,
  { peerOrgAdminsSign = false } = {},
): Promise<boolean> {
  const ctx = benchContext(log);
  const channel = ctx.topology.channel.name;
  mkdirSync(BENCH_HOME, { recursive: true });
  const dir = mkdtempSync(path.join(BENCH_HOME, 'configupdate-'));
  try {
    const original = await fetchConfig(ctx, dir);
    const updated = JSON.parse(JSON.stringify(original)) as ChannelConfigJson;
    if (!edit(updated)) return false;
    const f = (n: string): string => path.join(dir, n);
    writeFileSync(f('original.json'), JSON.stringify(original));
    writeFileSync(f('updated.json'), JSON.stringify(updated));
    await configtxlator([
      'proto_encode',
      '--input',
      f('original.json'),
      '--type',
      'common.Config',
      '--output',
      f('original.pb'),
    ]);
    await configtxlator([
      'proto_encode',
      '--input',
      f('updated.json'),
      '--type',
      'common.Config',
      '--output',
      f('updated.pb'),
    ]);
    await configtxlator([
      'compute_update',
      '--channel_id',
      channel,
      '--original',
      f('original.pb'),
      '--updated',
      f('updated.pb'),
      '--output',
      f('update.pb'),
    ]);
    await configtxlator([
      'proto_decode',
      '--input',
      f('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      f('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: JSON.parse(readFileSync(f('update.json'), 'utf8')) as unknown },
      },
    };
    writeFileSync(f('envelope.json'), JSON.stringify(envelope));
    await configtxlator([
      'proto_encode',
      '--input',
      f('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      f('envelope.pb'),
    ]);
    log(`[bench] channel config update: ${what}`);
    if (peerOrgAdminsSign) {
      // Channel-level values (e.g. capabilities) need a majority of every group's admins.
      for (const org of ctx.topology.orgs) {
        const peer = ctx.peers.find((p) => p.org === org.name)!;
        const res = await peerCli(
          ctx.layout,
          ctx.caPaths.org(org.name),
          peer,
          ['channel', 'signconfigtx', '-f', f('envelope.pb')],
          {
            allowFailure: true,
          },
        );
        if (res.code !== 0)
          throw new Error(`${org.name} admin could not sign the config update: ${res.stderr.trim()}`);
      }
    }
    await ordererAdminPeer(ctx, ['channel', 'update', '-f', f('envelope.pb'), '-c', channel]);
    // Wait until the orderers serve the new configuration (bounded).
    const until = Date.now() + 30_000;
    for (;;) {
      // Applied once the edit finds nothing left to change.
      if (!edit(await fetchConfig(ctx, dir))) return true;
      if (Date.now() > until) throw new Error(`channel config update (${what}) not visible 30 s later`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sets the channel's block cutting; returns false when it already had these values. */
export async function setBatch(log: (line: string) => void, want: BatchSetting): Promise<boolean> {
  return updateChannelConfig(log, `block cutting -> ${batchLabel(want)}`, (config) => {
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

/** The channel-level capability (`V3_0` as the network creates it, or `V2_0`). */
export type ChannelCapability = 'V3_0' | 'V2_0';

/** Sets the channel group's capability; returns false when it already had it. */
export async function setChannelCapability(
  log: (line: string) => void,
  want: ChannelCapability,
): Promise<boolean> {
  return updateChannelConfig(
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

/** `majority`: the channel default (both orgs endorse); `any`: OR of the orgs' peers (one org endorses). */
export type Endorsement = 'majority' | 'any';

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
  let topologyFile = BENCH_TOPOLOGY;
  if (want === 'any') {
    const policy = `OR(${ctx.topology.orgs.map((o) => `'${o.mspId}.peer'`).join(',')})`;
    const text = readFileSync(BENCH_TOPOLOGY, 'utf8').replace(
      /^ {2}path: chaincode$/m,
      `  path: chaincode\n  endorsementPolicy: "${policy}"`,
    );
    if (!text.includes('endorsementPolicy'))
      throw new Error('could not add an endorsement policy to the bench topology');
    topologyFile = path.join(BENCH_HOME, 'topology-any-org.yaml');
    writeFileSync(topologyFile, text);
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
