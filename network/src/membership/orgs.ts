/**
 * Organisations join and leave the running consortium (`fabpay-network org add|remove`).
 *
 * Joining, in the order that never leaves the channel half-configured for payments: the topology
 * file gains the org (the record a later `up` reads), its CA tier and identities, its MSP in the
 * channel config (signed by a majority of the member orgs' admins), its peers started and joined,
 * the chaincode installed on them and redefined (sequence + 1) so every org approves it and its
 * endorsement policy, the majority of the orgs written out, counts the new org, gossip, and last
 * the payments governance, whose majority then admits it as a member. Until that last step the
 * chaincode refuses the new org's identities (admission requires governance membership), so no
 * payment runs half-joined.
 *
 * Leaving reverses it, governance first: the chaincode refuses the org's identities (and moves no
 * money into or out of its accounts: ORG_NOT_MEMBER) before its MSP leaves the channel config, after
 * which no peer or orderer accepts a transaction it signs; then the chaincode is redefined with the
 * majority of the orgs that stay. Its accounts stay on the ledger.
 *
 * Every step checks whether it is done already, so a second run changes nothing and a run cut
 * short is finished by running it again.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isSeq, type Document, type YAMLMap } from 'yaml';
import {
  binaryPath,
  editTopologyFile,
  loadTopology,
  MAX_PEERS_PER_ORG,
  runningPid,
  type Topology,
  type TopologyEdit,
} from '@fabpay/topology';
import { paths as caPaths, setupOrganizations, stopCAs } from '@fabpay/ca';
import { createChannel } from '../channel/channel';
import { updateChannelConfig, fetchChannelConfig, type ChannelConfig } from '../channel/config-update';
import { writeOrgConfigtx } from '../channel/configtx';
import { waitForGossip } from '../channel/gossip';
import { deployChaincode, queryCommitted } from '../chaincode/lifecycle';
import { stopChaincodeServer } from '../chaincode/server';
import { networkContext, peersOf, runningOrderer, type NetworkContext } from '../context';
import { changeGovernanceOn, requireGovernance } from '../governance/ledger';
import { termsOf, type Governance, type GovernanceTerms } from '../governance/terms';
import { startNode, stopNode, waitHealthy } from '../nodes/lifecycle';
import { adminEnvFile, connectionProfileFile, writeProfiles } from '../profiles';
import { reloadSupervisor } from '../supervisor/supervisor';
import { run } from '../util/run';
import { networkLayout } from '../layout';
import { StepTimer, type StepTiming } from '../util/steps';
import { withMembershipLock } from './lock';

/** Refused before anything changed: the message says why. */
export class MembershipRefusedError extends Error {
  override readonly name = 'MembershipRefusedError';
}

/** Where the operation works: the topology file (it is edited) and progress lines. */
export interface MembershipOptions {
  topologyFile: string;
  progress?: (message: string) => void;
}

/** A user of the joining org: `erin` or `erin:payments.role=issuer[,other=value]`. */
export interface NewOrgUser {
  name: string;
  attributes: Record<string, string>;
}

export interface AddOrgOptions extends MembershipOptions {
  /** Default `<name>MSP`. */
  mspId?: string;
  /** Peers of the new org; default 1. */
  peers?: number;
  users?: NewOrgUser[];
}

/** What `org add` / `org remove` did. */
export interface OrgMembershipResult {
  org: string;
  mspId: string;
  action: 'added' | 'removed';
  /** Steps that changed something (empty: it was all done already). */
  changed: string[];
  steps: StepTiming[];
  seconds: number;
  /** The chaincode definition afterwards. */
  chaincode?: { version: string; sequence: number };
  governance: { version: number; members: string[] };
}

/** Parses `--user erin` or `--user erin:payments.role=issuer,region=eu`. */
export function parseOrgUser(text: string): NewOrgUser {
  const [name, attrs] = text.split(/:(.*)/s, 2) as [string, string | undefined];
  const attributes: Record<string, string> = {};
  for (const pair of attrs ? attrs.split(',') : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new MembershipRefusedError(
        `--user ${text}: expected name[:attribute=value[,attribute=value]], got "${pair}"`,
      );
    }
    attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { name, attributes };
}

/** The org's item in the file's `orgs` list (matched ignoring case, like the schema's uniqueness rule). */
function orgItem(doc: Document, name: string): YAMLMap | undefined {
  const orgs = doc.get('orgs');
  if (!isSeq(orgs)) return undefined;
  return orgs.items.find(
    (item): item is YAMLMap => isMap(item) && String(item.get('name')).toLowerCase() === name.toLowerCase(),
  );
}

/**
 * Records in the topology file that `org` is a member: a new entry at the end (a new port block),
 * or a removed one's `removed` mark taken off. An org already a member changes nothing. When the
 * file relies on the default orgs, they are written out first so the new one can follow them.
 */
export function recordOrgJoin(
  file: string,
  org: { name: string; mspId: string; peers: number; users: NewOrgUser[] },
): TopologyEdit {
  return editTopologyFile(file, (doc) => {
    const item = orgItem(doc, org.name);
    if (item) return item.delete('removed');
    if (!isSeq(doc.get('orgs'))) doc.set('orgs', doc.createNode(orgEntries(loadTopology(file))));
    const users = org.users.map((u) =>
      Object.keys(u.attributes).length ? { name: u.name, attributes: u.attributes } : { name: u.name },
    );
    (doc.get('orgs') as { add: (v: unknown) => void }).add(
      doc.createNode({
        name: org.name,
        mspId: org.mspId,
        peers: org.peers,
        ...(users.length ? { users } : {}),
      }),
    );
    return true;
  });
}

/** Marks `name` removed in the topology file (its entry and port block stay). */
export function recordOrgRemoved(file: string, name: string): TopologyEdit {
  return editTopologyFile(file, (doc) => {
    const item = orgItem(doc, name);
    if (!item || item.get('removed') === true) return false;
    item.set('removed', true);
    return true;
  });
}

/** The org's entry as the file should have it: the topology's defaults written out. */
function orgEntries(t: Topology): Record<string, unknown>[] {
  return [...t.orgs, ...(t.removedOrgs ?? [])]
    .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0))
    .map(({ slot: _slot, ...org }) => org);
}

/**
 * The topology with `name` counted as a member again: how a removed org's processes and files
 * are found (its ports and paths come from its slot) to stop them or bring it back.
 */
function withOrgActive(t: Topology, name: string): Topology {
  const removed = (t.removedOrgs ?? []).find((o) => o.name === name);
  if (!removed) return t;
  const orgs = [...t.orgs, { ...removed, removed: undefined }].sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
  return { ...t, orgs, removedOrgs: (t.removedOrgs ?? []).filter((o) => o.name !== name) };
}

function contextOf(topology: Topology, progress: (m: string) => void): NetworkContext {
  return networkContext(topology, caPaths(topology), progress);
}

/** MSP IDs of the peer orgs in the channel's current config. */
function channelOrgs(config: ChannelConfig): string[] {
  return Object.keys(config.channel_group.groups.Application?.groups ?? {});
}

/** How many org admins a MAJORITY Admins policy over `n` orgs needs. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Signing orgs for a change of the Application group: a majority of the orgs now in the channel,
 * taken from `preferred` first (the orgs that stay), then the others.
 */
export function configSigners(inChannel: string[], preferred: string[], others: string[]): string[] {
  const need = majority(inChannel.length);
  const order = [...preferred, ...others];
  if (order.length < need) {
    throw new MembershipRefusedError(
      `a change of the channel's organisations needs ${need} of ${inChannel.length} org admins; only ${order.length} are in the topology`,
    );
  }
  return order.slice(0, need);
}

/** The network must be running: an orderer to send config to and readable governance. */
async function requireRunning(ctx: NetworkContext, joining?: string): Promise<Governance> {
  try {
    runningOrderer(ctx);
  } catch {
    throw new MembershipRefusedError('no orderer is running: start the network with `fabpay-network up`');
  }
  // The joining org's peers may not run yet: an `org add` cut short is finished by running it again.
  for (const org of ctx.topology.orgs.filter((o) => o.name !== joining)) {
    if (!peersOf(ctx, org.name).some((p) => runningPid(p.process) !== undefined)) {
      throw new MembershipRefusedError(
        `no peer of ${org.name} is running: start the network with \`fabpay-network up\``,
      );
    }
  }
  return requireGovernance(ctx);
}

async function withConfig<T>(ctx: NetworkContext, org: string, fn: (c: ChannelConfig) => T): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-config-'));
  try {
    return fn(await fetchChannelConfig(ctx, org, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The org's channel config group, as configtxgen renders it from its MSP and anchor peer. */
async function orgConfigGroup(ctx: NetworkContext, org: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-org-'));
  try {
    writeOrgConfigtx(ctx.topology, ctx.caPaths, ctx.nodes, org, dir);
    const mspId = ctx.caPaths.org(org).mspId;
    const res = await run(binaryPath('configtxgen'), ['-configPath', dir, '-printOrg', mspId]);
    return JSON.parse(res.stdout) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Terms with `mspId` a member; an org's compliance acts for its own customers, as by default. */
export function termsWithMember(g: Governance | GovernanceTerms, mspId: string): GovernanceTerms {
  const terms = termsOf(g);
  if (terms.members.includes(mspId)) return terms;
  return {
    ...terms,
    members: [...terms.members, mspId],
    compliance: { ...terms.compliance, [mspId]: terms.compliance[mspId] ?? [mspId] },
  };
}

/** Terms without `mspId`: not a member, and granted nothing nor granting anything. */
export function termsWithoutMember(g: Governance | GovernanceTerms, mspId: string): GovernanceTerms {
  const terms = termsOf(g);
  const drop = (list: string[]) => list.filter((m) => m !== mspId);
  return {
    ...terms,
    members: drop(terms.members),
    issuers: Object.fromEntries(Object.entries(terms.issuers).map(([c, l]) => [c, drop(l)])),
    compliance: Object.fromEntries(
      Object.entries(terms.compliance)
        .filter(([m]) => m !== mspId)
        .map(([m, l]) => [m, drop(l)]),
    ),
  };
}

/**
 * Adds an organisation to the running network (see the module documentation for the steps).
 * Idempotent: an org that is a full member already changes nothing; an org `org remove` took
 * out comes back with its CAs, identities and ledger copy.
 * @throws MembershipRefusedError, before anything changed, when the network is not running or
 *   the request contradicts the topology (e.g. another MSP ID for an existing org).
 */
export function addOrg(name: string, opts: AddOrgOptions): Promise<OrgMembershipResult> {
  return withMembershipLock(networkLayout().root, `org add ${name}`, () => addOrgUnlocked(name, opts));
}

async function addOrgUnlocked(name: string, opts: AddOrgOptions): Promise<OrgMembershipResult> {
  const progress = opts.progress ?? (() => undefined);
  const timer = new StepTimer(progress);
  const changed: string[] = [];
  const before = contextOf(loadFile(opts.topologyFile), (l) => progress(`  ${l}`));
  if (name.toLowerCase() === before.topology.ordererOrg.name.toLowerCase()) {
    throw new MembershipRefusedError(`${name} is the orderer organisation; org add adds peer organisations`);
  }
  const peers = opts.peers ?? 1;
  if (!Number.isInteger(peers) || peers < 1 || peers > MAX_PEERS_PER_ORG) {
    throw new MembershipRefusedError(
      `--peers must be a whole number from 1 to ${MAX_PEERS_PER_ORG}, got ${peers}`,
    );
  }
  const known = [...before.topology.orgs, ...(before.topology.removedOrgs ?? [])].find(
    (o) => o.name.toLowerCase() === name.toLowerCase(),
  );
  if (known && known.name !== name) {
    throw new MembershipRefusedError(`the topology names this organisation "${known.name}", not "${name}"`);
  }
  if (known && opts.mspId && opts.mspId !== known.mspId) {
    throw new MembershipRefusedError(
      `${name} is in the topology with MSP ID ${known.mspId}, not ${opts.mspId}; leave --msp-id out`,
    );
  }
  const mspId = known?.mspId ?? opts.mspId ?? `${name}MSP`;
  await requireRunning(before, known?.name);

  const topology = await timer.run('topology file', () => {
    const edit = recordOrgJoin(opts.topologyFile, { name, mspId, peers, users: opts.users ?? [] });
    if (edit.changed) changed.push('topology file');
    progress(`  ${edit.changed ? `${name} written to` : `${name} already in`} ${opts.topologyFile}`);
    return edit.topology;
  });
  const ctx = contextOf(topology, (l) => progress(`  ${l}`));
  const others = topology.orgs.filter((o) => o.name !== name).map((o) => o.name);

  await timer.run(`${name} certificate authorities and identities`, () =>
    setupOrganizations(topology, { orgs: [name], onProgress: (l) => progress(`  ${l}`) }),
  );
  await timer.run(`${mspId} in the channel configuration`, async () => {
    const inChannel = await withConfig(ctx, others[0]!, channelOrgs);
    if (inChannel.includes(mspId)) return progress(`  the channel already has ${mspId}`);
    const group = await orgConfigGroup(ctx, name);
    const mspOf = (org: string) => ctx.caPaths.org(org).mspId;
    const signers = configSigners(
      inChannel,
      others.filter((o) => inChannel.includes(mspOf(o))),
      [],
    );
    const done = await updateChannelConfig(ctx, {
      what: `add ${mspId} (signed by ${signers.join(', ')})`,
      signers,
      edit: (config) => {
        const app = config.channel_group.groups.Application!;
        if (app.groups[mspId]) return false;
        app.groups[mspId] = group as (typeof app.groups)[string];
        return true;
      },
    });
    if (done) changed.push('channel configuration');
  });
  await timer.run(`${name} peers`, async () => {
    for (const peer of peersOf(ctx, name)) {
      if (await startNode(ctx, peer)) {
        changed.push(`${peer.host} started`);
        progress(`  started ${peer.host}`);
      }
    }
    await Promise.all(peersOf(ctx, name).map((p) => waitHealthy(p)));
  });
  await timer.run(`${name} peers join ${topology.channel.name}`, () => createChannel(ctx));
  const deployment = await timer.run(
    'chaincode on the new peers, definition follows the membership',
    async () => {
      const committed = await queryCommitted(ctx);
      if (!committed)
        throw new Error('no chaincode is committed on the channel: run `fabpay-network up` first');
      const result = await deployChaincode(ctx, { version: committed.version, followMembership: true });
      if (result.changed) changed.push(`chaincode sequence ${result.sequence}`);
      return result;
    },
  );
  await timer.run('peer discovery (gossip membership)', () => waitForGossip(ctx));
  const governance = await timer.run('payments governance membership', async () => {
    const current = await requireGovernance(ctx);
    if (current.members.includes(mspId)) {
      progress(`  ${mspId} is a member already (governance version ${current.version})`);
      return current;
    }
    const next = await changeGovernanceOn(ctx, termsWithMember(current, mspId));
    changed.push(`governance version ${next.version}`);
    return next;
  });
  await timer.run('connection profiles and admin env files', () => writeProfiles(ctx));
  await reloadSupervisor(ctx, opts.topologyFile);
  return {
    org: name,
    mspId,
    action: 'added',
    changed,
    steps: timer.steps,
    seconds: timer.seconds,
    chaincode: { version: deployment.version, sequence: deployment.sequence },
    governance: { version: governance.version, members: governance.members },
  };
}

/**
 * Removes an organisation from the running network (see the module documentation): governance
 * first, then the channel config; then its processes stop and the topology marks it removed.
 * Idempotent: removing a removed org checks every step and changes nothing.
 * @throws MembershipRefusedError, before anything changed, for an unknown org, the last org, or
 *   a network that is not running.
 */
export function removeOrg(name: string, opts: MembershipOptions): Promise<OrgMembershipResult> {
  return withMembershipLock(networkLayout().root, `org remove ${name}`, () => removeOrgUnlocked(name, opts));
}

async function removeOrgUnlocked(name: string, opts: MembershipOptions): Promise<OrgMembershipResult> {
  const progress = opts.progress ?? (() => undefined);
  const timer = new StepTimer(progress);
  const changed: string[] = [];
  const loaded = loadFile(opts.topologyFile);
  const known = [...loaded.orgs, ...(loaded.removedOrgs ?? [])].find((o) => o.name === name);
  if (!known) {
    const names = [...loaded.orgs, ...(loaded.removedOrgs ?? [])].map((o) => o.name);
    throw new MembershipRefusedError(`no organisation named "${name}" in the topology (${names.join(', ')})`);
  }
  const remaining = loaded.orgs.filter((o) => o.name !== name);
  if (remaining.length === 0) {
    throw new MembershipRefusedError(`${name} is the only organisation; a channel needs at least one`);
  }
  const mspId = known.mspId;
  // Its peers and CAs are found through a view that still counts it: they may need stopping.
  const full = contextOf(withOrgActive(loaded, name), (l) => progress(`  ${l}`));
  const rest = contextOf({ ...loaded, orgs: remaining }, (l) => progress(`  ${l}`));
  await requireRunning(rest);

  const governance = await timer.run('payments governance membership', async () => {
    const current = await requireGovernance(rest);
    if (!current.members.includes(mspId)) {
      progress(`  ${mspId} is not a member (governance version ${current.version})`);
      return current;
    }
    const next = await changeGovernanceOn(rest, termsWithoutMember(current, mspId));
    changed.push(`governance version ${next.version}`);
    return next;
  });
  await timer.run(`${mspId} out of the channel configuration`, async () => {
    const inChannel = await withConfig(rest, remaining[0]!.name, channelOrgs);
    if (!inChannel.includes(mspId)) return progress(`  the channel has no ${mspId}`);
    const staying = remaining.map((o) => o.name).filter((o) => inChannel.includes(full.caPaths.org(o).mspId));
    // A channel of two needs both admins: the leaving org's admin signs last if it must.
    const signers = configSigners(inChannel, staying, [name]);
    const done = await updateChannelConfig(full, {
      what: `remove ${mspId} (signed by ${signers.join(', ')})`,
      signers,
      edit: (config) => {
        const app = config.channel_group.groups.Application!;
        if (!app.groups[mspId]) return false;
        delete app.groups[mspId];
        return true;
      },
    });
    if (done) changed.push('channel configuration');
  });
  await timer.run('chaincode definition follows the membership', async () => {
    // The endorsement policy names the orgs (chaincode/endorsement-policy.ts): until it is
    // redefined, the leaving org still counts towards the majority it asks for.
    const committed = await queryCommitted(rest);
    if (!committed) return progress('  no chaincode is committed on the channel');
    const result = await deployChaincode(rest, { version: committed.version, followMembership: true });
    if (result.changed) changed.push(`chaincode sequence ${result.sequence}`);
  });
  await timer.run('topology file', () => {
    const edit = recordOrgRemoved(opts.topologyFile, name);
    if (edit.changed) changed.push('topology file');
  });
  await timer.run(`${name} processes stop (data kept)`, async () => {
    for (const peer of peersOf(full, name)) {
      if (await stopChaincodeServer(full, peer)) changed.push(`${peer.host} chaincode server stopped`);
      if (await stopNode(peer)) changed.push(`${peer.host} stopped`);
    }
    for (const ca of await stopCAs(full.topology, { orgs: [name] })) {
      changed.push(`${ca.org} ${ca.tier} CA stopped`);
    }
  });
  await timer.run('connection profiles and admin env files', () => {
    for (const file of [connectionProfileFile(full, name), adminEnvFile(full, name)]) {
      if (existsSync(file)) rmSync(file);
    }
    return writeProfiles(rest);
  });
  await reloadSupervisor(rest, opts.topologyFile);
  const committed = await queryCommitted(rest).catch(() => undefined);
  return {
    org: name,
    mspId,
    action: 'removed',
    changed,
    steps: timer.steps,
    seconds: timer.seconds,
    ...(committed ? { chaincode: { version: committed.version, sequence: committed.sequence } } : {}),
    governance: { version: governance.version, members: governance.members },
  };
}

function loadFile(file: string): Topology {
  return loadTopology(file);
}
