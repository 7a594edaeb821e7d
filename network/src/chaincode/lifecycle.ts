/**
 * The chaincode lifecycle, end to end: package (chaincode-as-a-service) -> install on every peer
 * -> start every peer's own chaincode server -> approve per org -> check commit readiness -> commit ->
 * wait until the chaincode answers on every peer. Every step checks first whether it is already
 * done, so running it again on a deployed network changes nothing.
 */
import path from 'node:path';
import { chaincodeTarget, ordererFlags, peerCli } from '../admin-cli';
import { peersOf, runningOrderer, type NetworkContext } from '../context';
import type { NodeSpec } from '../nodes/specs';
import type { Topology } from '@fabpay/topology';
import { chaincodeFiles } from '../layout';
import { CommandError } from '../util/run';
import { retryTransient } from '../util/transient';
import { waitFor } from '../util/wait';
import { CHAINCODE_ADDRESS_TEMPLATE } from './builder-config';
import { describeValidationParameter, wantedPolicy } from './endorsement-policy';
import { orgTlsRootPem } from './endpoints';
import { packageCcaas, type CcaasPackage } from './package';
import { startChaincodeServer } from './server';

/** What is committed on the channel. */
export interface Committed {
  sequence: number;
  version: string;
  /** Which of the channel's orgs approved the committed definition (by MSP ID). */
  approvals: Record<string, boolean>;
  /** Its endorsement policy in canonical form (endorsement-policy.ts); undefined if not known. */
  policy?: string;
}

/** What `deploy` did. */
export interface DeployResult {
  name: string;
  version: string;
  sequence: number;
  /**
   * Package ID per organisation: one package for all of an org's peers (its connection.json
   * address is a template each peer's builder resolves to the peer's own chaincode server); orgs
   * differ because each names its own TLS CA as the servers' root.
   */
  packageIds: Record<string, string>;
  /** False when the definition was already committed and nothing changed. */
  changed: boolean;
}

export interface DeployOptions {
  /** Version to deploy; defaults to the topology's, or a fresh one when that is already committed and `upgrade` is set. */
  version?: string;
  /** Deploy a new package with sequence + 1 even if the topology's version is committed. */
  upgrade?: boolean;
  /**
   * Redefine the committed chaincode (same version and packages, sequence + 1) when an org of the
   * channel has not approved the committed definition, as after `org add`: every org approves
   * the new sequence, so the definition and its endorsement follow the membership. Nothing is
   * redefined when every org approved the committed one, so running it again changes nothing.
   */
  followMembership?: boolean;
}

/** The committed definition of the chaincode, or undefined before the first commit. */
export async function queryCommitted(ctx: NetworkContext): Promise<Committed | undefined> {
  const peer = ctx.peers[0]!;
  const args = ['lifecycle', 'chaincode', 'querycommitted', ...chaincodeTarget(ctx), '-O', 'json'];
  const res = await retryTransient(`querycommitted on ${peer.host}`, async () => {
    const r = await peerCli(ctx.layout, ctx.caPaths.org(peer.org), peer, args, { allowFailure: true });
    if (r.code !== 0 && !/not found|does not exist|is not defined/i.test(r.stderr)) {
      throw new CommandError(`peer ${args.join(' ')}`, r);
    }
    return r;
  });
  if (res.code !== 0) return undefined;
  const json = JSON.parse(res.stdout) as {
    sequence: number;
    version: string;
    approvals?: Record<string, boolean>;
    validation_parameter?: string;
  };
  const policy = json.validation_parameter
    ? describeValidationParameter(json.validation_parameter)
    : undefined;
  return {
    sequence: Number(json.sequence),
    version: json.version,
    approvals: json.approvals ?? {},
    ...(policy !== undefined ? { policy } : {}),
  };
}

/**
 * The org's chaincode-as-a-service package for `version` (`<org>/package.tgz`, rewritten): the
 * same bytes, and so the same package ID, every time for the same version, since the package
 * holds only connection details.
 */
export function orgPackage(ctx: NetworkContext, org: string, version: string): Promise<CcaasPackage> {
  return packageCcaas(chaincodeFiles(ctx.layout, org).pkg, `${ctx.topology.chaincode.name}_${version}`, {
    address: CHAINCODE_ADDRESS_TEMPLATE,
    rootCert: orgTlsRootPem(ctx, org),
  });
}

/** Installs a package on one peer as its org's admin, unless the peer has it already. */
export async function installPackage(ctx: NetworkContext, peer: NodeSpec, pkg: CcaasPackage): Promise<void> {
  const admin = ctx.caPaths.org(peer.org);
  const installed = await retryTransient(`queryinstalled on ${peer.host}`, () =>
    peerCli(ctx.layout, admin, peer, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json']),
  );
  if (installed.stdout.includes(pkg.packageId)) return;
  ctx.progress(`chaincode: install ${pkg.label} on ${peer.host}`);
  await retryTransient(`install ${pkg.label} on ${peer.host}`, async () => {
    const r = await peerCli(ctx.layout, admin, peer, ['lifecycle', 'chaincode', 'install', pkg.file], {
      allowFailure: true,
    });
    // A try cut short after the peer stored the package leaves it installed.
    if (r.code !== 0 && !/already successfully installed/.test(r.stderr)) {
      throw new CommandError(`peer lifecycle chaincode install ${pkg.file}`, r);
    }
  });
}

/**
 * Why the committed definition (of the version being deployed) must be redefined, sequence + 1,
 * with the same packages; none: it stands. `followMembership`: an org of the topology has not
 * approved it (`org add`). Always: its endorsement policy is not the topology's, since a
 * written-out policy names the orgs and `org add`/`org remove` change them (policies of a shape
 * endorsement-policy.ts cannot read are left alone).
 */
export function redefinitionReasons(
  topology: Topology,
  committed: Committed,
  followMembership: boolean,
): string[] {
  const missing = followMembership
    ? topology.orgs.filter((o) => committed.approvals[o.mspId] !== true).map((o) => o.mspId)
    : [];
  const wanted = wantedPolicy(topology).canonical;
  const policyDiffers = wanted !== undefined && committed.policy !== undefined && committed.policy !== wanted;
  return [
    ...(missing.length > 0 ? [`${missing.join(', ')} did not approve sequence ${committed.sequence}`] : []),
    ...(policyDiffers ? [`its endorsement policy is ${committed.policy}, not ${wanted}`] : []),
  ];
}

export async function deployChaincode(ctx: NetworkContext, opts: DeployOptions = {}): Promise<DeployResult> {
  const { topology } = ctx;
  const cc = topology.chaincode;
  const committed = await queryCommitted(ctx);
  let version = opts.version ?? cc.version;
  if (opts.upgrade && !opts.version && committed) {
    version = `${cc.version}.${committed.sequence + 1}`;
  }
  let sequence =
    committed && committed.version === version ? committed.sequence : (committed?.sequence ?? 0) + 1;
  const wanted = wantedPolicy(topology);
  if (committed && committed.sequence === sequence) {
    const why = redefinitionReasons(topology, committed, opts.followMembership ?? false);
    if (why.length > 0) {
      sequence += 1;
      ctx.progress(`chaincode: ${why.join('; ')}: redefining as sequence ${sequence}`);
    }
  }
  const orgs = topology.orgs.map((o) => o.name);

  const packageIds: Record<string, string> = {};
  for (const org of orgs) {
    const pkg = await orgPackage(ctx, org, version);
    packageIds[org] = pkg.packageId;
    for (const peer of peersOf(ctx, org)) await installPackage(ctx, peer, pkg);
    for (const peer of peersOf(ctx, org)) await startChaincodeServer(ctx, peer, pkg.packageId);
  }

  const definition = [
    ...chaincodeTarget(ctx),
    '-v',
    version,
    '--sequence',
    String(sequence),
    ...wanted.flags,
  ];
  const orderer = ordererFlags(runningOrderer(ctx));
  const alreadyCommitted = committed?.sequence === sequence && committed.version === version;
  if (!alreadyCommitted) {
    for (const org of orgs) {
      const peer = peersOf(ctx, org)[0]!;
      const admin = ctx.caPaths.org(org);
      const approved = async (): Promise<boolean> =>
        (await commitReadiness(ctx, org, peer, definition))[admin.mspId] === true;
      await retryTransient(`${org}'s approval of ${cc.name} ${version} (sequence ${sequence})`, async () => {
        // Checked on every try: a try cut short may have committed the approval already.
        if (await approved()) return;
        ctx.progress(`chaincode: ${org} approves ${cc.name} ${version} (sequence ${sequence})`);
        const approve = [
          ...['lifecycle', 'chaincode', 'approveformyorg', ...orderer, ...definition],
          ...['--package-id', packageIds[org]!, '--waitForEvent'],
        ];
        const r = await peerCli(ctx.layout, admin, peer, approve, { allowFailure: true });
        // Fabric refuses to approve the same definition twice ("with unchanged content").
        if (r.code !== 0 && !/unchanged content/.test(r.stderr)) {
          throw new CommandError(`peer ${approve.join(' ')}`, r);
        }
      });
    }
    const first = peersOf(ctx, orgs[0]!)[0]!;
    const firstAdmin = ctx.caPaths.org(orgs[0]!);
    await waitFor(
      `every org to approve ${cc.name} ${version} (sequence ${sequence})`,
      async () => {
        const approvals = await commitReadiness(ctx, orgs[0]!, first, definition);
        return Object.values(approvals).every(Boolean) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const peerFlags = orgs.flatMap((org) => {
      const peer = peersOf(ctx, org)[0]!;
      return [
        '--peerAddresses',
        `${peer.address}:${peer.listen}`,
        '--tlsRootCertFiles',
        path.join(peer.tlsDir, 'ca.crt'),
      ];
    });
    await retryTransient(`the commit of ${cc.name} ${version} (sequence ${sequence})`, async () => {
      // Checked on every try: a try cut short may have committed the definition already.
      const now = await queryCommitted(ctx);
      if (now?.sequence === sequence && now.version === version) return;
      ctx.progress(`chaincode: commit ${cc.name} ${version} (sequence ${sequence})`);
      await peerCli(ctx.layout, firstAdmin, first, [
        ...['lifecycle', 'chaincode', 'commit', ...orderer, ...definition],
        ...[...peerFlags, '--waitForEvent'],
      ]);
    });
  }
  await waitForChaincodeOnEveryPeer(ctx);
  return { name: cc.name, version, sequence, packageIds, changed: !alreadyCommitted };
}

/** Which orgs have approved a chaincode definition, as one org's peer sees it (by MSP ID). */
async function commitReadiness(
  ctx: NetworkContext,
  org: string,
  peer: NodeSpec,
  definition: readonly string[],
): Promise<Record<string, boolean>> {
  const args = ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '-O', 'json'];
  const res = await peerCli(ctx.layout, ctx.caPaths.org(org), peer, args);
  return (JSON.parse(res.stdout) as { approvals: Record<string, boolean> }).approvals;
}

/** Queries the contract's metadata on every peer until each answers. */
export async function waitForChaincodeOnEveryPeer(ctx: NetworkContext): Promise<void> {
  for (const peer of ctx.peers) await waitForChaincodeOnPeer(ctx, peer);
}

/** Queries the contract's metadata on one peer until it answers. */
export async function waitForChaincodeOnPeer(ctx: NetworkContext, peer: NodeSpec): Promise<void> {
  const query = [
    'chaincode',
    'query',
    ...chaincodeTarget(ctx),
    '-c',
    '{"Args":["org.hyperledger.fabric:GetMetadata"]}',
  ];
  let last = '';
  await waitFor(
    `the chaincode to answer on ${peer.host}`,
    async () => {
      const res = await peerCli(ctx.layout, ctx.caPaths.org(peer.org), peer, query, { allowFailure: true });
      last = res.stderr.trim();
      return res.code === 0 ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1000, describeLast: () => last },
  );
}
