/**
 * `orderer add` and `orderer remove`: Raft orderers join and leave the running channel, one
 * consenter per config update, with payments flowing.
 *
 * The topology file is the record of which orderers exist (`ordererOrg.orderers` slots,
 * `ordererOrg.removed`), so `down` then `up` brings back exactly the cluster these commands built.
 * Each command observes first (cluster-view.ts), decides with the pure rules (rules.ts) and only
 * then changes anything; every step is skipped when already done, so a second run changes nothing
 * and a run interrupted at any step is finished by running it again.
 *
 * Fabric versions (read in the sources of both pins): the snapshot (2023) and 3.1.5 validate a
 * consenter change the same way (etcdraft `ValidateConsensusMetadata`: one consenter per update,
 * new consenters' TLS certificates issued by an orderer org's TLS CA and unexpired, no avoidable
 * quorum loss against the consenters the leader sees active). 3.1.2 added a second way to submit a
 * config update, `osnadmin channel update` (a PUT to the channel participation API, which runs the
 * same ProcessConfigUpdateMsg and refuses on a follower); the broadcast path used here
 * (`peer channel update`) is unchanged and works on both. With the V3_0 channel capability (3.1.5)
 * every orderer org must keep at least one OrdererEndpoint; the last consenter is never removed,
 * so neither is the last endpoint. The snapshot still has Fabric issue #4199 (etcdraft `apply`
 * blocks on WALSyncC while `node.run` blocks on applyC when a Raft membership entry is applied),
 * which 3.x removed; `network/README.md` says what that means here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { editTopologyFile, loadTopology, repoRoot, runningPid, type Topology } from '@fabpay/topology';
import { paths as caPathsOf, setupOrganizations } from '@fabpay/ca';
import { osnadmin } from '../admin-cli';
import { ordererChannelInfo } from '../channel/channel';
import { updateChannelConfig } from '../channel/config-update';
import { raftLeaders } from '../channel/raft';
import { networkContext, type NetworkContext } from '../context';
import { startNode, stopNode, waitHealthy } from '../nodes/lifecycle';
import { writeProfiles } from '../profiles';
import type { NodeSpec } from '../nodes/specs';
import { startSupervisor, stopSupervisor, supervisorPid } from '../supervisor/supervisor';
import { CommandError } from '../util/run';
import { networkLayout } from '../layout';
import { StepTimer, type StepTiming } from '../util/steps';
import { retryTransient } from '../util/transient';
import { waitFor } from '../util/wait';
import { fetchConfigBlock } from './config-block';
import {
  addConsenter,
  addOrdererEndpoint,
  consentersOf,
  removeConsenter,
  removeOrdererEndpoint,
} from './consenters';
import {
  consenterFor,
  endpointOf,
  isConsenterOf,
  observeCluster,
  type ClusterObservation,
  type ObservedSlot,
} from './cluster-view';
import { decideAdd, decideRemove } from './rules';
import { withMembershipLock } from './lock';

/** Options of {@link addOrderer} and {@link removeOrderer}. */
export interface OrdererMembershipOptions {
  /** Topology file; default `<repo>/topology.yaml`. It is edited: it records the cluster. */
  topologyFile?: string;
  progress?: (message: string) => void;
  /** How long to wait for each condition (consenter active, caught up, leader); default 120 s. */
  timeoutMs?: number;
}

/** What `orderer add` or `orderer remove` did. */
export interface OrdererMembershipResult {
  /** `nothing`: the cluster already was as asked (a second run); nothing changed. */
  action: 'added' | 'removed' | 'nothing';
  /** Short name, e.g. `orderer3`. */
  name: string;
  host: string;
  /** Why nothing was done, for `nothing`. */
  reason?: string;
  /** Short names of the channel's consenters afterwards. */
  consenters: string[];
  /** Host of the Raft leader afterwards. */
  leader?: string;
  /** Said to the operator (e.g. a cluster of 2 tolerates no fault). */
  warnings: string[];
  /** Every step and its time; `seconds` is the total. */
  steps: StepTiming[];
  seconds: number;
}

/** Thrown when the rules refuse a change; nothing was changed. */
export class OrdererChangeRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OrdererChangeRefusedError';
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

function topologyFileOf(opts: OrdererMembershipOptions): string {
  return opts.topologyFile ?? path.join(repoRoot(), 'topology.yaml');
}

/** A run's working state: timer, scratch directory, progress. */
interface Run {
  file: string;
  timer: StepTimer;
  dir: string;
  progress: (message: string) => void;
  timeoutMs: number;
}

async function withRun<T>(
  what: string,
  opts: OrdererMembershipOptions,
  fn: (run: Run) => Promise<T>,
): Promise<T> {
  return withMembershipLock(networkLayout().root, what, () => runUnlocked(opts, fn));
}

async function runUnlocked<T>(opts: OrdererMembershipOptions, fn: (run: Run) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-orderers-'));
  const progress = opts.progress ?? (() => undefined);
  try {
    return await fn({
      file: topologyFileOf(opts),
      timer: new StepTimer(progress),
      dir,
      progress,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The context of the topology as the file states it now. */
function contextOf(run: Run): NetworkContext {
  const topology = loadTopology(run.file);
  return networkContext(topology, caPathsOf(topology), (l) => run.progress(`  ${l}`));
}

/** A context whose orderers are only `orderers`: updates and fetches then go to one of them. */
const through = (ctx: NetworkContext, orderers: readonly NodeSpec[]): NetworkContext => ({
  ...ctx,
  orderers: [...orderers],
});

/** Names of the consenters in a config, by the slots' ports. */
function consenterNames(obs: ClusterObservation, config: Parameters<typeof consentersOf>[0]): string[] {
  const consenters = consentersOf(config);
  return obs.slots.filter((s) => consenters.some((c) => isConsenterOf(c, s.node))).map((s) => s.name);
}

/** Waits until `orderers` (alive consenters) agree on exactly one leader; returns its host. */
function waitForLeaderAmong(
  ctx: NetworkContext,
  orderers: readonly NodeSpec[],
  timeoutMs: number,
): Promise<string> {
  return waitFor(
    `one Raft leader among ${orderers.map((o) => o.host).join(', ')}`,
    async () => {
      const leaders = await raftLeaders(ctx, orderers);
      return leaders.length === 1 ? leaders[0] : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/**
 * Restarts the supervisor (if one runs) so that it watches the cluster as the topology now states
 * it: it read the topology when it started and would otherwise restart a removed orderer.
 */
async function withSupervisorPaused<T>(run: Run, fn: () => Promise<T>): Promise<T> {
  const before = contextOf(run);
  const wasRunning = supervisorPid(before, run.file) !== undefined;
  if (wasRunning) await stopSupervisor(before, run.file);
  try {
    return await fn();
  } finally {
    if (wasRunning) {
      const sup = await startSupervisor(contextOf(run), run.file);
      run.progress(`  supervisor restarted (pid ${sup.pid}) on the new cluster`);
    }
  }
}

/**
 * Adds a Raft orderer to the running channel: the next slot `orderer<ordererOrg.orderers>` (or
 * `name`, to finish or confirm a given one). The topology file gains it, the orderer org's CA
 * enrolls it, its process starts, a config update signed by the orderer org admin adds it to the
 * consenter set and the OrdererEndpoints, it joins with the latest config block, and the command
 * returns once it is an active consenter that has caught up and the channel has one leader.
 * Without `name`, an earlier add that was interrupted is finished first instead.
 * @throws OrdererChangeRefusedError when the rules refuse (nothing changed).
 */
export function addOrderer(
  opts: OrdererMembershipOptions & { name?: string } = {},
): Promise<OrdererMembershipResult> {
  return withRun(`orderer add${opts.name ? ` ${opts.name}` : ''}`, opts, async (run) => {
    const { timer } = run;
    const obs = await timer.run('cluster state', () => observeCluster(loadTopology(run.file), run.dir));
    const decision = decideAdd(obs.view, opts.name);
    if (decision.action === 'refuse') throw new OrdererChangeRefusedError(decision.reason);
    const host = `${decision.name}.${loadTopology(run.file).domain}`;
    if (decision.action === 'nothing') {
      return nothingDone(run, obs, decision.name, host, decision.reason);
    }
    // Voters that can order the update and serve the config: the consenters answering now.
    const voters = obs.slots.filter((s) => s.alive && s.consenter && s.name !== decision.name);
    if (voters.length === 0) {
      throw new OrdererChangeRefusedError(
        `refusing to add ${decision.name}: no other consenter answers, so nothing can order the change or serve the config`,
      );
    }
    run.progress(
      `  ${decision.fresh ? `adding ${decision.name}` : `finishing the add of ${decision.name}`} (${host})`,
    );
    if (decision.fresh) {
      await timer.run(`topology file: ordererOrg.orderers ${obs.view.slots} -> ${obs.view.slots + 1}`, () =>
        editTopologyFile(run.file, (doc) => {
          doc.setIn(['ordererOrg', 'orderers'], obs.view.slots + 1);
          return true;
        }),
      );
    }
    const topology = loadTopology(run.file);
    await timer.run(`identities of ${host} (orderer org CA)`, () =>
      setupOrganizations(topology, {
        orgs: [topology.ordererOrg.name],
        onProgress: (l) => run.progress(`  ${l}`),
      }),
    );
    const ctx = contextOf(run);
    const node = ctx.orderers.find((o) => o.host === host);
    if (!node) throw new Error(`${host} is not an active orderer of ${run.file}`);
    const votersCtx = through(
      ctx,
      voters.map((s) => s.node),
    );
    await withSupervisorPaused(run, async () => {
      await timer.run(`start ${host}`, async () => {
        if (await startNode(ctx, node)) run.progress(`  started ${host} (pid ${runningPid(node.process)})`);
        await waitHealthy(node, run.timeoutMs);
      });
      const org = topology.ordererOrg;
      if (decision.consenter) {
        // Retried while the ordering service answers "not now" (an election): each try fetches
        // the config afresh, so a try that did land makes the next one change nothing.
        await timer.run('config update: consenter set + 1', () =>
          retryTransient(`the config update adding consenter ${host}`, () =>
            updateChannelConfig(votersCtx, {
              what: `${org.name} adds consenter ${host} (${endpointOf(node)})`,
              signers: [org.name],
              edit: (config) => addConsenter(config, consenterFor(node)),
            }),
          ),
        );
      }
      if (decision.join) {
        await timer.run(`${host} joins with the latest config block`, () =>
          joinWithLatestConfig(run, votersCtx, voters, node),
        );
      }
      await timer.run(`${host} active consenter, caught up`, () => waitCaughtUp(run, ctx, voters, node));
      if (decision.endpoint) {
        // Only now: peers send every transaction to the OrdererEndpoints, and an orderer that has
        // not joined yet answers BAD_REQUEST ("channel does not exist"), which the gateway reports
        // as a failed payment (seen in the live suite, 1 to 11 per add, on both Fabric pins).
        await timer.run('config update: OrdererEndpoints + 1', () =>
          retryTransient(`the config update adding ${host}'s endpoint`, () =>
            updateChannelConfig(votersCtx, {
              what: `${org.name} adds OrdererEndpoint ${endpointOf(node)} (${host})`,
              signers: [org.name],
              edit: (config) => addOrdererEndpoint(config, org.mspId, endpointOf(node)),
            }),
          ),
        );
      }
    });
    return finish(run, ctx, 'added', decision.name, host, []);
  });
}

/** The result of a run that found nothing to do. */
async function nothingDone(
  run: Run,
  obs: ClusterObservation,
  name: string,
  host: string,
  reason: string,
): Promise<OrdererMembershipResult> {
  run.progress(`  ${reason}: nothing to do`);
  const ctx = contextOf(run);
  const alive = obs.slots.filter((s) => s.alive).map((s) => s.node);
  const leaders = await raftLeaders(ctx, alive);
  return {
    action: 'nothing',
    name,
    host,
    reason,
    consenters: consenterNames(obs, obs.block.config),
    ...(leaders.length === 1 ? { leader: leaders[0]! } : {}),
    warnings: [],
    steps: run.timer.steps,
    seconds: run.timer.seconds,
  };
}

/**
 * Joins `node` to the channel with the latest config block, once that block names it a consenter
 * (the block that added it or a later one: Raft refuses to start a member from an earlier one).
 */
async function joinWithLatestConfig(
  run: Run,
  votersCtx: NetworkContext,
  voters: readonly ObservedSlot[],
  node: NodeSpec,
): Promise<void> {
  const channel = votersCtx.topology.channel.name;
  if (await ordererChannelInfo(node, channel)) {
    run.progress(`  ${node.host} has already joined ${channel}`);
    return;
  }
  let attempt = 0;
  const block = await waitFor(
    `a config block of ${channel} that names ${node.host} a consenter`,
    async () => {
      const source = voters[attempt++ % voters.length]!;
      const b = await fetchConfigBlock(votersCtx, source.node, run.dir, `join-${attempt}`);
      return consentersOf(b.config).some((c) => isConsenterOf(c, node)) ? b : undefined;
    },
    { timeoutMs: run.timeoutMs, intervalMs: 500 },
  );
  run.progress(`  config block ${block.number} names ${node.host}; osnadmin channel join`);
  await retryTransient(`${node.host} to join ${channel}`, async () => {
    const r = await osnadmin(node, ['join', '--channelID', channel, '--config-block', block.file], {
      allowFailure: true,
    });
    // A try cut short after the orderer created the channel leaves it joined.
    if (r.code !== 0 && !/already exists/.test(r.stdout + r.stderr)) {
      throw new CommandError(`osnadmin channel join ${channel} on ${node.host}`, r);
    }
  });
}

/** Waits until `node` is an active consenter at (at least) the voters' height. */
async function waitCaughtUp(
  run: Run,
  ctx: NetworkContext,
  voters: readonly ObservedSlot[],
  node: NodeSpec,
): Promise<void> {
  const channel = ctx.topology.channel.name;
  await waitFor(
    `${node.host} to be an active consenter of ${channel}`,
    async () => {
      const info = await ordererChannelInfo(node, channel);
      return info?.status === 'active' && info.consensusRelation === 'consenter' ? true : undefined;
    },
    { timeoutMs: run.timeoutMs, intervalMs: 500 },
  );
  const heights = await Promise.all(voters.map((v) => ordererChannelInfo(v.node, channel)));
  const target = Math.max(0, ...heights.map((h) => h?.height ?? 0));
  const height = await waitFor(
    `${node.host} to catch up to height ${target}`,
    async () => {
      const info = await ordererChannelInfo(node, channel);
      return info && info.height >= target ? info.height : undefined;
    },
    { timeoutMs: run.timeoutMs, intervalMs: 500 },
  );
  run.progress(`  ${node.host} is an active consenter at height ${height} (others were at ${target})`);
}

/** Reads the consenters and leader after a change, for the result. */
async function finish(
  run: Run,
  ctx: NetworkContext,
  action: 'added' | 'removed',
  name: string,
  host: string,
  warnings: string[],
): Promise<OrdererMembershipResult> {
  const leader = await run.timer.run('Raft leader', async () => {
    const l = await waitForLeaderAmong(ctx, ctx.orderers, run.timeoutMs);
    run.progress(`  leader: ${l}`);
    return l;
  });
  // Connection profiles and admin env files name the orderers: the changed set, not the old one.
  await run.timer.run('connection profiles and admin env files', () => writeProfiles(contextOf(run)));
  const running = ctx.orderers.find((o) => runningPid(o.process) !== undefined);
  if (!running) throw new Error('no orderer is running');
  const block = await fetchConfigBlock(ctx, running, run.dir, 'final');
  const consenters = consentersOf(block.config);
  return {
    action,
    name,
    host,
    consenters: ctx.orderers
      .filter((o) => consenters.some((c) => isConsenterOf(c, o)))
      .map((o) => o.host.split('.')[0]!),
    leader,
    warnings,
    steps: run.timer.steps,
    seconds: run.timer.seconds,
  };
}

/** Records `name` in `ordererOrg.removed` (once). */
function recordRemoved(file: string, name: string): void {
  editTopologyFile(file, (doc) => {
    const current = (doc.toJS() as { ordererOrg?: { removed?: string[] } } | null)?.ordererOrg?.removed;
    if (current?.includes(name)) return false;
    if (current && current.length > 0) doc.addIn(['ordererOrg', 'removed'], name);
    else doc.setIn(['ordererOrg', 'removed'], doc.createNode([name]));
    return true;
  });
}

/**
 * Removes a Raft orderer from the running channel: a config update signed by the orderer org
 * admin takes it out of the consenter set and the OrdererEndpoints (when it leads, Raft elects
 * another leader first; the command waits for one), the topology file records it in
 * `ordererOrg.removed`, and its process stops (its data is kept). A second run reports that it is
 * already removed and changes nothing.
 * @throws OrdererChangeRefusedError when the rules refuse (unknown name, last or one of two
 *   consenters, no quorum now or after): nothing changed.
 */
export function removeOrderer(
  name: string,
  opts: OrdererMembershipOptions = {},
): Promise<OrdererMembershipResult> {
  return withRun(`orderer remove ${name}`, opts, async (run) => {
    const { timer } = run;
    const topology: Topology = loadTopology(run.file);
    const obs = await timer.run('cluster state', () => observeCluster(topology, run.dir));
    const decision = decideRemove(obs.view, name);
    if (decision.action === 'refuse') throw new OrdererChangeRefusedError(decision.reason);
    const host = `${name}.${topology.domain}`;
    if (decision.action === 'nothing') return nothingDone(run, obs, name, host, decision.reason);
    for (const w of decision.warnings) run.progress(`  warning: ${w}`);
    const target = obs.slots.find((s) => s.name === name)!;
    const remaining = obs.slots.filter((s) => s.consenter && s.alive && s.name !== name);
    const remainingCtx = through(
      contextOf(run),
      remaining.map((s) => s.node),
    );
    const org = topology.ordererOrg;
    if (decision.endpoint) {
      // First out of the OrdererEndpoints, so peers stop sending transactions to it before it
      // leaves the consenter set and stops answering for the channel.
      await timer.run('config update: OrdererEndpoints - 1', () =>
        retryTransient(`the config update removing ${host}'s endpoint`, () =>
          updateChannelConfig(remainingCtx, {
            what: `${org.name} removes OrdererEndpoint ${endpointOf(target.node)} (${host})`,
            signers: [org.name],
            edit: (config) => removeOrdererEndpoint(config, org.mspId, endpointOf(target.node)),
          }),
        ),
      );
    }
    if (decision.consenter) {
      const leadersBefore = await raftLeaders(remainingCtx, [target.node]);
      if (leadersBefore.length) run.progress(`  ${host} leads the channel: Raft hands leadership over first`);
      await timer.run('config update: consenter set - 1', async () => {
        await retryTransient(`the config update removing consenter ${host}`, () =>
          updateChannelConfig(remainingCtx, {
            what: `${org.name} removes consenter ${host} (${endpointOf(target.node)})`,
            signers: [org.name],
            edit: (config) =>
              removeConsenter(config, { host: target.node.channelHost, port: target.node.listen }),
          }),
        );
        // Ordered means committed by the cluster; wait until a remaining consenter serves it.
        let attempt = 0;
        await waitFor(
          `a config block of ${topology.channel.name} without ${host}`,
          async () => {
            const source = remaining[attempt++ % remaining.length]!;
            const b = await fetchConfigBlock(remainingCtx, source.node, run.dir, `removed-${attempt}`);
            return consentersOf(b.config).some((c) => isConsenterOf(c, target.node)) ? undefined : true;
          },
          { timeoutMs: run.timeoutMs, intervalMs: 500 },
        );
      });
      await timer.run('Raft leader among the remaining consenters', async () => {
        const l = await waitForLeaderAmong(
          remainingCtx,
          remaining.map((s) => s.node),
          run.timeoutMs,
        );
        run.progress(`  leader: ${l}`);
      });
    }
    await withSupervisorPaused(run, async () => {
      if (decision.topology) {
        await timer.run(`topology file: ordererOrg.removed + ${name}`, () => recordRemoved(run.file, name));
      }
      if (decision.stop || runningPid(target.node.process) !== undefined) {
        await timer.run(`stop ${host} (data kept)`, () => stopNode(target.node));
      }
    });
    return finish(run, contextOf(run), 'removed', name, host, decision.warnings);
  });
}
