/**
 * `peer add`: a new peer for an organisation of the running network, joined to the channel from
 * the genesis block or from a ledger snapshot. The topology file is the record of the network, so
 * it gains the peer first (`orgs[i].peers` + 1), and everything after is derived from it and
 * skipped where done: identities (the CA setup only enrolls what is missing), the peer process,
 * its chaincode package and server, the join, profiles. A run cut short is finished by running
 * `peer add` again: it picks the org's peer that is in the topology but not on the channel.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type Document } from 'yaml';
import {
  defaultTopologyFile,
  editTopologyFile,
  findOrganization,
  logTail,
  MAX_PEERS_PER_ORG,
  runningPid,
} from '@fabpay/topology';
import { setupOrganizations } from '@fabpay/ca';
import { peerCli } from '../admin-cli';
import { genesisBlockFile, ordererChannelInfo, peerHeight } from '../channel/channel';
import { waitForGossip } from '../channel/gossip';
import { installPackage, orgPackage, queryCommitted, waitForChaincodeOnPeer } from '../chaincode/lifecycle';
import { recordedPackageId, startChaincodeServer } from '../chaincode/server';
import { networkContext, peersOf, type NetworkContext } from '../context';
import { networkLayout, nodeFiles } from '../layout';
import { contextFor, type NetworkOptions } from '../network';
import { startNode, waitHealthy } from '../nodes/lifecycle';
import type { NodeSpec } from '../nodes/specs';
import { writeProfiles } from '../profiles';
import { reloadSupervisor, supervisorPid } from '../supervisor/supervisor';
import { CommandError } from '../util/run';
import { StepTimer, type StepTiming } from '../util/steps';
import { retryTransient } from '../util/transient';
import { waitFor } from '../util/wait';
import { withMembershipLock } from './lock';
import { PeerAddError, peerIndexOf, planPeerAdd, type PeerAddPlan } from './names';
import { checkSnapshotForChannel } from './snapshots';

export interface AddPeerOptions extends NetworkOptions {
  /** The organisation (name or MSP ID). */
  org: string;
  /** A completed snapshot directory of this channel to join from; default: the genesis block. */
  fromSnapshot?: string;
  /**
   * The peer to add or finish (`peer2` or its host). Default: a peer of the org that is in the
   * topology but has not joined the channel, else the next number.
   */
  peer?: string;
  /** How long the new peer may take to reach the channel's height (default 300 s). */
  catchUpTimeoutMs?: number;
}

/** What {@link addPeer} did. */
export interface AddPeerResult {
  org: string;
  peer: string;
  /** Why this peer (see {@link PeerAddPlan}). */
  plan: PeerAddPlan;
  /** Whether this run raised the org's `peers` in the topology file. */
  topologyChanged: boolean;
  /** Certificates the org's CA issued in this run (the new peer's enrollment and TLS). */
  enrolled: string[];
  /** How it joined the channel in this run; `already` when it had joined before. */
  joined: 'snapshot' | 'genesis' | 'already';
  snapshot?: { dir: string; blockNumber: number };
  /**
   * `atJoin`: the height the join gave the peer (the snapshot's last block + 1, or 1 from the
   * genesis block; when it had joined before, its height at the check); `reached`: the channel's
   * height it then reached.
   */
  heights: { atJoin: number; reached: number };
  /** Seconds from the join request (or the check, when it had joined before) to `reached`. */
  catchUpSeconds: number;
  packageId: string;
  profiles: string[];
  seconds: number;
  steps: StepTiming[];
}

/** Whether a peer has the channel: asked when it runs, else read from its ledger directory. */
async function hasChannel(ctx: NetworkContext, peer: NodeSpec): Promise<boolean> {
  const channel = ctx.topology.channel.name;
  if (runningPid(peer.process) === undefined) {
    const chains = path.join(nodeFiles(ctx.layout, peer.host).data, 'ledgersData', 'chains', 'chains');
    return existsSync(path.join(chains, channel));
  }
  const res = await waitFor(
    `${peer.host} to list its channels`,
    async () => {
      const r = await peerCli(ctx.layout, ctx.caPaths.org(peer.org), peer, ['channel', 'list'], {
        allowFailure: true,
      });
      if (r.code === 0) return r;
      throw new Error(r.stderr.trim().split('\n').slice(-1).join(' '));
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  return res.stdout.split('\n').includes(channel);
}

/**
 * Sets `orgs[<name>].peers` in the topology document (found by name: removed orgs keep their
 * slot); whether that changed it.
 */
function setPeerCount(doc: Document, org: string, peers: number): boolean {
  const orgs = doc.get('orgs');
  if (!isSeq(orgs)) throw new PeerAddError('the topology file has no orgs list');
  const item = orgs.items.find((o) => isMap(o) && o.get('name') === org);
  if (!isMap(item)) throw new PeerAddError(`the topology file has no org named ${org}`);
  if (item.get('peers') === peers) return false;
  item.set('peers', peers);
  return true;
}

/** The highest height an orderer reports for the channel: what a caught-up peer has. */
async function channelHeight(ctx: NetworkContext): Promise<number> {
  const heights = await Promise.all(
    ctx.orderers
      .filter((o) => runningPid(o.process) !== undefined)
      .map((o) => ordererChannelInfo(o, ctx.topology.channel.name).then((i) => i?.height ?? 0)),
  );
  const h = Math.max(0, ...heights);
  if (h === 0) throw new PeerAddError('no running orderer answers the channel height');
  return h;
}

/**
 * Adds a peer to an organisation of the running network (or finishes one an interrupted run
 * left): topology, identities, process, chaincode package and server, channel join (genesis block
 * or snapshot), catch-up to the channel's height, chaincode answering, gossip, profiles; a running
 * supervisor is restarted so that it watches the new peer. Refusals (unknown org, a snapshot that
 * is not of this channel, a network that is not running) happen before anything is changed.
 */
export function addPeer(opts: AddPeerOptions): Promise<AddPeerResult> {
  return withMembershipLock(networkLayout().root, `peer add --org ${opts.org}`, () => addPeerUnlocked(opts));
}

async function addPeerUnlocked(opts: AddPeerOptions): Promise<AddPeerResult> {
  const progress = opts.progress ?? (() => undefined);
  const timer = new StepTimer(progress);
  const step = <T>(name: string, fn: () => Promise<T> | T): Promise<T> => timer.run(name, fn);
  const file = opts.topologyFile ?? defaultTopologyFile();
  const sub = (l: string): void => progress(`  ${l}`);

  const checked = await step('checks', async () => {
    const ctx = contextFor({ ...opts, topologyFile: file, progress: sub });
    const info = findOrganization(ctx.topology, opts.org);
    if (!info || info.kind !== 'peer') {
      throw new PeerAddError(
        `no peer organisation "${opts.org}" in ${file}; organisations: ${ctx.topology.orgs.map((o) => o.name).join(', ')}`,
      );
    }
    const orgPeers = peersOf(ctx, info.name);
    const joined = await Promise.all(orgPeers.map((p) => hasChannel(ctx, p)));
    const named = opts.peer !== undefined ? peerIndexOf(opts.peer, info.domain) : undefined;
    const plan = planPeerAdd(info.name, joined, MAX_PEERS_PER_ORG, named);
    const host = `peer${plan.index}.${info.domain}`;
    const down = ctx.nodes.filter((n) => n.host !== host && runningPid(n.process) === undefined);
    if (down.length > 0) {
      throw new PeerAddError(
        `the network is not (fully) running: ${down.map((n) => n.host).join(', ')} stopped; start it with \`fabpay-network up\``,
      );
    }
    sub(
      plan.why === 'unfinished'
        ? `${host} is in the topology but has not joined ${ctx.topology.channel.name}: finishing it`
        : plan.addToTopology
          ? `new peer ${host}`
          : `${host} (named)`,
    );
    let snapshot: { dir: string; blockNumber: number } | undefined;
    if (opts.fromSnapshot !== undefined) {
      const meta = await checkSnapshotForChannel(ctx, opts.fromSnapshot, orgPeers[0]!);
      snapshot = { dir: path.resolve(opts.fromSnapshot), blockNumber: meta.lastBlockNumber };
      sub(`snapshot ${snapshot.dir}: channel ${meta.channel}, block ${meta.lastBlockNumber}, hashes match`);
    }
    return { org: info.name, host, plan, snapshot };
  });

  const topologyChanged = await step('topology', () => {
    if (!checked.plan.addToTopology) {
      sub(`${file} already has ${checked.host}`);
      return false;
    }
    const edit = editTopologyFile(file, (doc) => setPeerCount(doc, checked.org, checked.plan.index + 1));
    sub(`${file}: ${checked.org} peers: ${checked.plan.index + 1}`);
    return edit.changed;
  });

  const { ctx, enrolled } = await step(`identities (${checked.org} CA)`, async () => {
    const fresh = contextFor({ ...opts, topologyFile: file });
    const setup = await setupOrganizations(fresh.topology, { orgs: [checked.org], onProgress: sub });
    return {
      ctx: networkContext(fresh.topology, setup.paths, sub),
      enrolled: setup.orgs.flatMap((o) => o.enrolled),
    };
  });
  const peer = ctx.peers.find((p) => p.host === checked.host)!;

  await step(`start ${peer.host}`, async () => {
    if (await startNode(ctx, peer)) sub(`started ${peer.host} (listen ${peer.listen})`);
    await waitHealthy(peer);
  });

  // Before the join, so that the chaincode answers on the peer as soon as it has the channel.
  const packageId = await step('chaincode package and server', async () => {
    const committed = await queryCommitted(ctx);
    if (!committed) throw new PeerAddError(`no chaincode is committed on ${ctx.topology.channel.name} yet`);
    const pkg = await orgPackage(ctx, checked.org, committed.version);
    // Every peer of an org runs the org's one package; a sibling's record says which that is.
    const sibling = peersOf(ctx, checked.org).find((p) => p.host !== peer.host);
    const siblingId = sibling && recordedPackageId(ctx, sibling);
    if (siblingId && siblingId !== pkg.packageId) {
      throw new PeerAddError(
        `${sibling!.host} runs package ${siblingId}, but ${committed.version}'s package is ${pkg.packageId}: run \`fabpay-network up\` first`,
      );
    }
    await installPackage(ctx, peer, pkg);
    await startChaincodeServer(ctx, peer, pkg.packageId);
    return pkg.packageId;
  });

  const channel = ctx.topology.channel.name;
  const admin = ctx.caPaths.org(peer.org);
  let joinStarted = Date.now();
  const joined = await step(`join ${channel}`, async (): Promise<AddPeerResult['joined']> => {
    joinStarted = Date.now();
    if (await hasChannel(ctx, peer)) {
      sub(
        `${peer.host} has already joined ${channel}${checked.snapshot ? ' (the snapshot is not used)' : ''}`,
      );
      return 'already';
    }
    if (checked.snapshot) {
      const dir = checked.snapshot.dir;
      sub(`${peer.host} joins from the snapshot of block ${checked.snapshot.blockNumber}`);
      const r = await peerCli(ctx.layout, admin, peer, ['channel', 'joinbysnapshot', '--snapshotpath', dir], {
        allowFailure: true,
      });
      // "already exists": a run cut short after the peer started the import.
      if (r.code !== 0 && !/already exists|in progress/.test(r.stderr)) {
        throw new CommandError(`peer channel joinbysnapshot --snapshotpath ${dir}`, r);
      }
      // The peer imports in the background and only logs a failure: wait for the channel to appear.
      await waitFor(
        `${peer.host} to import the snapshot and list ${channel}`,
        async () => ((await hasChannel(ctx, peer)) ? true : undefined),
        {
          timeoutMs: 180_000,
          intervalMs: 500,
          describeLast: () => `${peer.host}'s log ends:\n${logOf(peer)}`,
        },
      );
      return 'snapshot';
    }
    sub(`${peer.host} joins from the genesis block`);
    await retryTransient(
      `${peer.host} to join ${channel}`,
      async () => {
        const r = await peerCli(ctx.layout, admin, peer, ['channel', 'join', '-b', genesisBlockFile(ctx)], {
          allowFailure: true,
        });
        if (r.code !== 0 && !/already exists/.test(r.stderr)) {
          throw new CommandError(`peer channel join ${channel} on ${peer.host}`, r);
        }
      },
      { intervalMs: 1000 },
    );
    return 'genesis';
  });

  const caughtUp = await step('catch up to the channel height', async () => {
    const now = (await peerHeight(ctx, peer)) ?? 0;
    const atJoin = joined === 'snapshot' ? checked.snapshot!.blockNumber + 1 : joined === 'genesis' ? 1 : now;
    const target = await channelHeight(ctx);
    sub(`${peer.host} joined at height ${atJoin}, now at ${now}; channel height ${target}`);
    const reached = await waitFor(
      `${peer.host} to reach height ${target}`,
      async () => {
        const h = await peerHeight(ctx, peer);
        return h !== undefined && h >= target ? h : undefined;
      },
      { timeoutMs: opts.catchUpTimeoutMs ?? 300_000, intervalMs: 250, describeLast: () => logOf(peer) },
    );
    return { atJoin, reached, seconds: (Date.now() - joinStarted) / 1000 };
  });

  await step('chaincode answers', () => waitForChaincodeOnPeer(ctx, peer));

  await step('peer discovery (gossip membership)', () => waitForGossip(ctx));

  const profiles = await step('connection profiles and admin env files', () => writeProfiles(ctx));

  // The supervisor reads the topology once, at its start: a running one is restarted to watch the peer.
  if (supervisorPid(ctx, file) !== undefined) await step('supervisor', () => reloadSupervisor(ctx, file));

  return {
    org: checked.org,
    peer: peer.host,
    plan: checked.plan,
    topologyChanged,
    enrolled,
    joined,
    ...(checked.snapshot ? { snapshot: checked.snapshot } : {}),
    heights: { atJoin: caughtUp.atJoin, reached: caughtUp.reached },
    catchUpSeconds: caughtUp.seconds,
    packageId,
    profiles,
    seconds: timer.seconds,
    steps: timer.steps,
  };
}

function logOf(peer: NodeSpec): string {
  return logTail(peer.process.logFile, 15);
}
