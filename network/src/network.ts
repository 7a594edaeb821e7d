/**
 * The network's verbs: up, down, clean, status, and fault helpers for tests. Each verb is a
 * sequence of idempotent steps; this file only orders them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  binaryPath,
  binDir,
  loadTopology,
  orgAddress,
  removeHostNetwork,
  repoRoot,
  runDir,
  runningPid,
  type Topology,
} from '@fabpay/topology';
import { stopProcess } from '@fabpay/topology';
import { caStatus, paths as caPaths, revokeIdentity, setupOrganizations, stopCAs } from '@fabpay/ca';
import { createChannel, genesisBlockFile, ordererChannelInfo, peerHeight } from './channel/channel';
import { isRaftLeader } from './channel/raft';
import { pushOrgCrls, type MspUpdateResult } from './channel/msp-update';
import {
  deployChaincode,
  queryCommitted,
  type DeployOptions,
  type DeployResult,
} from './chaincode/lifecycle';
import { chaincodeProcess, legacyOrgChaincodeProcess, stopChaincodeServer } from './chaincode/server';
import { chaincodeServerPort } from './chaincode/endpoints';
import { networkContext, type NetworkContext } from './context';
import {
  changeGovernanceOn,
  ensureGovernance,
  requireGovernance,
  type ChangeGovernanceOptions,
  type GovernanceStep,
} from './governance/ledger';
import {
  genesisTerms,
  recordedGenesis,
  writeGenesisFiles,
  type Governance,
  type GovernanceTerms,
} from './governance/terms';
import { buildersDir, chaincodeServerFiles, governanceFiles, supervisorFiles } from './layout';
import { startSupervisor, stopSupervisor, supervisorPid } from './supervisor/supervisor';
import { defaultLayout } from './install';
import { writeCcaasBuilder, writePeerCoreYaml, writeOrdererYaml } from './nodes/config-files';
import { nodeHealth, startNode, stopNode, waitHealthy } from './nodes/lifecycle';
import { writeProfiles } from './profiles';
import { waitForGossip } from './channel/gossip';
import { run } from './util/run';
import { StepTimer, type StepTiming } from './util/steps';

export interface NetworkOptions {
  /** Topology file; default `<repo>/topology.yaml`. */
  topologyFile?: string;
  progress?: (message: string) => void;
}

/** Options of {@link up}. */
export interface UpOptions extends NetworkOptions {
  /**
   * Also start the supervisor (`fabpay-network supervise`, detached) once the network is up: it
   * restarts any orderer, peer or chaincode server that crashes. Idempotent: a running supervisor
   * is kept.
   */
  supervise?: boolean;
}

/** Thrown when the Fabric binaries are missing; says which command installs them. */
export class BinariesMissingError extends Error {
  constructor(missing: string[]) {
    super(
      `Fabric binaries not installed (${missing.join(', ')} missing from ${binDir()}): run \`npm run fabric:install\``,
    );
    this.name = 'BinariesMissingError';
  }
}

function topologyFileOf(opts: NetworkOptions): string {
  return opts.topologyFile ?? path.join(repoRoot(), 'topology.yaml');
}

/** The topology of these options (default `<repo>/topology.yaml`), loaded and validated. */
export function topologyOf(opts: NetworkOptions): Topology {
  return loadTopology(topologyFileOf(opts));
}

/** The context for a topology without touching the CAs (for down, status, tests). */
export function contextFor(opts: NetworkOptions = {}): NetworkContext {
  const topology = topologyOf(opts);
  return networkContext(topology, caPaths(topology), opts.progress);
}

function requireBinaries(): void {
  const missing = [
    'peer',
    'orderer',
    'configtxgen',
    'osnadmin',
    'fabric-ca-server',
    'fabric-ca-client',
  ].filter((b) => !existsSync(binaryPath(b)));
  if (missing.length) throw new BinariesMissingError(missing);
}

/** What `up` did. */
export interface UpResult {
  seconds: number;
  steps: StepTiming[];
  deployment: DeployResult;
  /** The payments governance: written now (genesis) or already on the ledger. */
  governance: GovernanceStep;
  profiles: string[];
  /** The supervisor, when `supervise` was asked for: its pid and whether this `up` started it. */
  supervisor?: { pid: number; started: boolean };
}

/**
 * Brings the whole network up, or resumes it: CAs and identities, node configuration (and the
 * genesis governance terms), orderers and peers (waiting on /healthz), the channel, the chaincode
 * (servers configured with the genesis digest), the payments governance. Everything already done
 * is skipped, so `up` after `down` resumes the same ledgers.
 */
export async function up(opts: UpOptions = {}): Promise<UpResult> {
  const progress = opts.progress ?? (() => undefined);
  const timer = new StepTimer(progress);
  const step = <T>(name: string, fn: () => Promise<T> | T): Promise<T> => timer.run(name, fn);
  requireBinaries();
  const source = topologyFileOf(opts);
  const topology = topologyOf(opts);
  // Checked before anything starts: the governance section names currencies the chaincode knows.
  const genesis = genesisTerms(topology, source);
  const setup = await step('certificate authorities and identities', () =>
    setupOrganizations(topology, { onProgress: (l) => progress(`  ${l}`) }),
  );
  const ctx = networkContext(topology, setup.paths, (l) => progress(`  ${l}`));
  await step('node configuration', () => {
    const toolchain = defaultLayout();
    writePeerCoreYaml(
      toolchain.configDir,
      ctx.layout.peerConfigDir,
      writeCcaasBuilder(path.join(repoRoot(), 'network', 'builders'), buildersDir(ctx.layout)),
    );
    writeOrdererYaml(toolchain.configDir, ctx.layout.ordererConfigDir);
    // Written when the network is created; afterwards the record stays (org add/remove change
    // the topology's orgs, not the genesis every chaincode server was configured with).
    const recorded = existsSync(genesisBlockFile(ctx)) ? recordedGenesis(ctx.layout) : undefined;
    if (recorded) {
      ctx.progress(
        `genesis governance terms: kept ${governanceFiles(ctx.layout).terms} (the channel exists)`,
      );
    } else {
      const written = writeGenesisFiles(ctx.layout, genesis);
      ctx.progress(`genesis governance terms: ${written.terms} (sha256 ${written.sha256.slice(0, 16)}…)`);
    }
  });
  await step(`orderers and peers (${ctx.nodes.length} processes)`, async () => {
    for (const node of ctx.nodes) {
      if (await startNode(ctx, node)) ctx.progress(`started ${node.host}`);
    }
    await Promise.all(ctx.nodes.map((n) => waitHealthy(n)));
  });
  await step(`channel ${topology.channel.name}`, () => createChannel(ctx));
  await step('chaincode build', () => buildChaincode(ctx));
  // `up` resumes what is committed (after a `deploy`, that version); only `deploy` upgrades.
  const deployment = await step(`chaincode ${topology.chaincode.name}`, async () => {
    const committed = await queryCommitted(ctx);
    return deployChaincode(ctx, committed ? { version: committed.version } : {});
  });
  await step('peer discovery (gossip membership)', () => waitForGossip(ctx));
  const governance = await step('payments governance', () => ensureGovernance(ctx, source));
  const profiles = await step('connection profiles and admin env files', () => writeProfiles(ctx));
  const result: UpResult = { seconds: 0, steps: timer.steps, deployment, governance, profiles };
  if (opts.supervise) {
    result.supervisor = await step('supervisor', async () => {
      const sup = await startSupervisor(ctx, source);
      ctx.progress(
        sup.started
          ? `supervisor started (pid ${sup.pid}); log ${supervisorFiles(ctx.layout).log}`
          : `supervisor already running (pid ${sup.pid})`,
      );
      return sup;
    });
  }
  result.seconds = timer.seconds;
  return result;
}

/** A context as given, or the one for these options. */
function contextOf(target: NetworkContext | NetworkOptions): NetworkContext {
  return 'layout' in target && 'caPaths' in target ? target : contextFor(target);
}

/** The effective payments governance of the running network. */
export async function getGovernance(target: NetworkContext | NetworkOptions = {}): Promise<Governance> {
  return requireGovernance(contextOf(target));
}

/**
 * Changes the payments governance of the running local network to `terms` (complete terms, MSP
 * IDs): proposed by the first organisation's admin, approved by the other organisations' admins in
 * turn until the chaincode applies it. Returns the new governance (the current one, proposing
 * nothing, when the ledger already has these terms).
 */
export async function changeGovernance(
  target: NetworkContext | NetworkOptions,
  terms: GovernanceTerms,
  opts: ChangeGovernanceOptions = {},
): Promise<Governance> {
  return changeGovernanceOn(contextOf(target), terms, opts);
}

/** Compiles the chaincode workspace (incremental; quick when nothing changed). */
async function buildChaincode(ctx: NetworkContext): Promise<void> {
  const tsc = path.join(repoRoot(), 'node_modules', '.bin', 'tsc');
  await run(tsc, ['-b', path.join(repoRoot(), ctx.topology.chaincode.path)], { cwd: repoRoot() });
}

/** Deploys a new chaincode version on the running network: new package, sequence + 1. */
export async function deploy(opts: NetworkOptions & DeployOptions = {}): Promise<DeployResult> {
  requireBinaries();
  const ctx = contextFor(opts);
  await buildChaincode(ctx);
  return deployChaincode(ctx, { upgrade: true, ...(opts.version ? { version: opts.version } : {}) });
}

/**
 * Stops every process (the supervisor first, so it restarts nothing of what follows; then every
 * peer's chaincode server, peers, orderers, CAs) and keeps all data.
 */
export async function down(opts: NetworkOptions = {}): Promise<string[]> {
  const ctx = contextFor(opts);
  const stopped: string[] = [];
  if (await stopSupervisor(ctx, topologyFileOf(opts))) stopped.push('supervisor');
  const servers = await Promise.all(
    ctx.peers.map(async (peer) =>
      (await stopChaincodeServer(ctx, peer)) ? `${peer.host} chaincode server` : undefined,
    ),
  );
  stopped.push(...servers.filter((h): h is string => !!h));
  for (const org of ctx.topology.orgs) {
    const legacy = legacyOrgChaincodeProcess(ctx, org.name);
    if (await stopProcess(legacy)) stopped.push(legacy.name);
  }
  // Peers first, so they do not log the orderers going away.
  const order = [...ctx.peers, ...ctx.orderers];
  const results = await Promise.all(order.map(async (n) => ((await stopNode(n)) ? n.host : undefined)));
  stopped.push(...results.filter((h): h is string => !!h));
  for (const ca of await stopCAs(ctx.topology)) stopped.push(`${ca.org} ${ca.tier} CA`);
  for (const s of stopped) ctx.progress(`stopped ${s}`);
  return stopped;
}

/**
 * Stops everything and removes all generated state (`<home>/run`): ledgers, CAs, identities, and
 * the hosts' network namespaces and bridge when the topology has hosts.
 */
export async function clean(opts: NetworkOptions = {}): Promise<string[]> {
  const stopped = await down(opts);
  const topology = topologyOf(opts);
  for (const removed of await removeHostNetwork(topology)) {
    opts.progress?.(`removed ${removed}`);
    stopped.push(removed);
  }
  rmSync(runDir(), { recursive: true, force: true });
  return stopped;
}

/** One process in `status`. */
export interface ProcessStatus {
  name: string;
  kind: 'orderer' | 'peer' | 'chaincode' | 'ca' | 'supervisor';
  /** The organisation (nodes, chaincode servers and CAs). */
  org?: string;
  pid?: number;
  running: boolean;
  healthy?: boolean;
  /** The address its ports are on: 127.0.0.1, or its host's when the topology places it on one. */
  address?: string;
  ports: Record<string, number>;
  /** Channel height (orderers and peers). */
  height?: number;
  /** Orderers: whether this node is the channel's Raft leader. */
  leader?: boolean;
  consensusRelation?: string;
}

export interface NetworkStatus {
  channel: string;
  processes: ProcessStatus[];
  /** Host of the Raft leader, if exactly one orderer claims it. */
  leader?: string;
  committed?: { sequence: number; version: string };
}

export async function status(opts: NetworkOptions = {}): Promise<NetworkStatus> {
  const ctx = contextFor(opts);
  const channel = ctx.topology.channel.name;
  const processes: ProcessStatus[] = [];
  for (const node of ctx.nodes) {
    const pid = runningPid(node.process);
    const entry: ProcessStatus = {
      name: node.host,
      kind: node.kind,
      org: node.org,
      running: pid !== undefined,
      ...(pid !== undefined ? { pid } : {}),
      address: node.address,
      ports: {
        listen: node.listen,
        [node.kind === 'orderer' ? 'admin' : 'chaincode']: node.second,
        operations: node.operations,
      },
    };
    if (pid !== undefined) {
      entry.healthy = (await nodeHealth(node)).ok;
      if (node.kind === 'orderer') {
        const info = await ordererChannelInfo(node, channel);
        if (info) {
          entry.height = info.height;
          entry.consensusRelation = info.consensusRelation;
        }
        const leader = await isRaftLeader(node, channel);
        if (leader !== undefined) entry.leader = leader;
      } else {
        const height = await peerHeight(ctx, node);
        if (height !== undefined) entry.height = height;
      }
    }
    processes.push(entry);
  }
  for (const peer of ctx.peers) {
    const pid = runningPid(chaincodeProcess(ctx, peer));
    processes.push({
      name: `${peer.host} chaincode server`,
      kind: 'chaincode',
      org: peer.org,
      running: pid !== undefined,
      ...(pid !== undefined ? { pid } : {}),
      address: peer.address,
      ports: { listen: chaincodeServerPort(ctx, peer.host) },
    });
  }
  for (const ca of caStatus(ctx.topology)) {
    processes.push({
      name: `${ca.org} ${ca.tier} CA`,
      kind: 'ca',
      org: ca.org,
      running: ca.running,
      ...(ca.pid !== undefined ? { pid: ca.pid } : {}),
      address: orgAddress(ctx.topology, ca.org),
      ports: { listen: ca.listen, operations: ca.operations },
    });
  }
  const supervisor = supervisorPid(ctx, topologyFileOf(opts));
  processes.push({
    name: 'supervisor',
    kind: 'supervisor',
    running: supervisor !== undefined,
    ...(supervisor !== undefined ? { pid: supervisor } : {}),
    ports: {},
  });
  const leaders = processes.filter((p) => p.leader);
  const result: NetworkStatus = { channel, processes };
  if (leaders.length === 1) result.leader = leaders[0]!.name;
  if (ctx.peers.some((p) => runningPid(p.process) !== undefined)) {
    const committed = await queryCommitted(ctx).catch(() => undefined);
    if (committed) result.committed = committed;
  }
  return result;
}

/**
 * The log file of a node, a peer's chaincode server (`<peer>-chaincode`, e.g.
 * `peer1.org1-chaincode`; `<org>-chaincode` is its first peer's), a CA (`<org>-<tier>-ca`) or the
 * `supervisor`.
 */
export function logFileOf(name: string, opts: NetworkOptions = {}): string {
  const ctx = contextFor(opts);
  const hostIs = (host: string, n: string): boolean =>
    host === n || host.split('.').slice(0, 2).join('.') === n;
  const node = ctx.nodes.find((n) => hostIs(n.host, name));
  if (node) return node.process.logFile;
  if (name === 'supervisor') return supervisorFiles(ctx.layout).log;
  const cc = /^(.+)-chaincode$/.exec(name);
  if (cc) {
    const peer =
      ctx.peers.find((p) => hostIs(p.host, cc[1]!)) ??
      ctx.peers.find((p) => p.org.toLowerCase() === cc[1]!.toLowerCase());
    if (peer) return chaincodeServerFiles(ctx.layout, peer).log;
  }
  const ca = /^(.+)-(tls|root|intermediate)-ca$/.exec(name);
  if (ca) return ctx.caPaths.org(ca[1]!).servers[ca[2] as 'tls' | 'root' | 'intermediate'].logFile;
  const names = [
    ...ctx.nodes.map((n) => n.host),
    ...ctx.peers.map((p) => `${p.host.split('.').slice(0, 2).join('.')}-chaincode`),
    'org1-intermediate-ca',
    'supervisor',
  ];
  throw new Error(`no process named "${name}"; try one of: ${names.join(', ')}`);
}

/** Reads the last lines of a log. */
export function readLog(file: string, lines: number): string {
  if (!existsSync(file)) throw new Error(`no log at ${file} (has the network been started?)`);
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Publishes an organisation's CRLs (its channel MSP's `crls/`) to the live channel, so peers and
 * orderers refuse the identities its CA revoked. Changes nothing when the channel already has them.
 */
export async function publishCrls(org: string, opts: NetworkOptions = {}): Promise<MspUpdateResult> {
  return pushOrgCrls(contextFor(opts), org);
}

/** Revokes an identity at its org's CA and publishes the new CRL to the live channel. */
export async function revoke(
  org: string,
  identity: string,
  opts: NetworkOptions & { reason?: string } = {},
): Promise<MspUpdateResult & { serials: string[] }> {
  const ctx = contextFor(opts);
  const revoked = await revokeIdentity(
    ctx.topology,
    org,
    identity,
    opts.reason ? { reason: opts.reason } : {},
  );
  ctx.progress(`revoked ${identity} (${org}): serial(s) ${revoked.serials.join(', ') || 'none'}`);
  return { ...(await pushOrgCrls(ctx, org)), serials: revoked.serials };
}
