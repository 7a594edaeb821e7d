/**
 * Operator actions on the identities setup created: reenroll, revoke (with a CRL placed in the
 * org MSPs' `crls/`), generate a CRL and list registrations. They go through the fabric-ca-client
 * binary against the org's intermediate CA, as its bootstrap admin.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PathEnv, Topology } from '@fabpay/topology';
import { isExpired, keyMatchesCert, notAfter, toPkcs8Pem } from './certs';
import { CertificateExpiredError, IdentityNotFoundError, NotSetUpError } from './errors';
import { caUrl, classifyClientError, runCaClient } from './enroll/ca-client';
import { listIdentities, type IdentityType, type RegisteredIdentity } from './enroll/identities';
import { FileIdentityStore, walletIdentity } from './identity-store';
import { adminEnrollmentId } from './layout';
import { readKey, readSignCert, writeCrl, writeLocalMsp } from './msp/build';
import { endpoint, orgContexts, type OrgCaContext } from './server/cas';
import { orgCaCerts } from './setup';
import { nodeHosts } from './tls-hosts';

/** A topology identity resolved to its enrollment ID and files. */
export interface ResolvedIdentity {
  org: string;
  id: string;
  type: IdentityType;
  msp: string;
  hosts?: string[];
  walletLabel?: string;
  walletDir: string;
}

export interface OperationOptions {
  env?: PathEnv;
}

function orgContext(topology: Topology, org: string, env?: PathEnv): OrgCaContext {
  const [ctx] = orgContexts(topology, { ...(env ? { env } : {}), orgs: [org] });
  if (!ctx) throw new IdentityNotFoundError(`no organisation "${org}" in the topology`);
  if (!existsSync(join(ctx.paths.clients.intermediate, 'msp', 'signcerts', 'cert.pem'))) {
    throw new NotSetUpError(`the ${ctx.org.name} intermediate CA registrar`);
  }
  return ctx;
}

/**
 * Finds a topology identity by name: a node (`peer0`, `peer0.org1.example.com`), the org admin
 * (`admin` or `Admin@org1.example.com`) or a user (`alice`).
 */
export function resolveIdentity(ctx: OrgCaContext, name: string): ResolvedIdentity {
  const base = { org: ctx.org.name, walletDir: ctx.paths.walletDir };
  const node = ctx.org.nodes.find((n) => n.host === name || n.name === name);
  const np = node && ctx.paths.nodes.find((p) => p.host === node.host);
  if (node && np)
    return {
      ...base,
      id: node.host,
      type: node.kind,
      msp: np.msp,
      hosts: nodeHosts(node, ctx.nodeAddress(node.host)),
    };
  const adminId = adminEnrollmentId(ctx.org);
  if (name.toLowerCase() === 'admin' || name === adminId) {
    return {
      ...base,
      id: adminId,
      type: 'admin',
      msp: ctx.paths.admin.msp,
      walletLabel: ctx.paths.admin.walletLabel,
    };
  }
  const user = ctx.paths.users.find((u) => u.enrollmentId.toLowerCase() === name.toLowerCase());
  if (user)
    return { ...base, id: user.enrollmentId, type: 'client', msp: user.msp, walletLabel: user.walletLabel };
  const known = [...ctx.org.nodes.map((n) => n.name), 'admin', ...ctx.paths.users.map((u) => u.enrollmentId)];
  throw new IdentityNotFoundError(`${ctx.org.name} has no identity "${name}"; known: ${known.join(', ')}`);
}

/**
 * Re-enrolls a topology identity with its current certificate: new key and certificate in its
 * local MSP (and wallet, for the admin and users). The certificate keeps its `:ecert` attributes.
 * @returns the new certificate (PEM).
 */
export async function reenrollIdentity(
  topology: Topology,
  org: string,
  name: string,
  opts: OperationOptions = {},
): Promise<{ identity: ResolvedIdentity; certificate: string }> {
  const ctx = orgContext(topology, org, opts.env);
  const who = resolveIdentity(ctx, name);
  const cert = readSignCert(who.msp);
  const key = readKey(who.msp);
  if (!cert || !key) throw new NotSetUpError(`the MSP of ${who.id} (${who.msp})`);
  if (isExpired(cert)) throw new CertificateExpiredError(who.id, notAfter(cert));
  const ep = endpoint(ctx, 'intermediate');
  mkdirSync(ctx.paths.scratch, { recursive: true, mode: 0o700 });
  const home = mkdtempSync(join(ctx.paths.scratch, 'reenroll-'));
  try {
    const msp = join(home, 'msp');
    mkdirSync(join(msp, 'signcerts'), { recursive: true });
    mkdirSync(join(msp, 'keystore'), { recursive: true, mode: 0o700 });
    copyFileSync(join(who.msp, 'signcerts', 'cert.pem'), join(msp, 'signcerts', 'cert.pem'));
    copyFileSync(join(who.msp, 'keystore', 'priv_sk'), join(msp, 'keystore', 'priv_sk'));
    const args = [
      'reenroll',
      '-u',
      caUrl(ep),
      '--tls.certfiles',
      ep.tlsCaCertFile,
      '-M',
      msp,
      '--csr.cn',
      who.id,
    ];
    if (who.hosts) args.push('--csr.hosts', who.hosts.join(','));
    try {
      await runCaClient(args, home, opts.env);
    } catch (e) {
      throw classifyClientError(e, ep, who.id, 'reenroll');
    }
    const newCert = readFileSync(join(msp, 'signcerts', 'cert.pem'), 'utf8');
    // The keystore now holds the old and the new key; keep the one matching the new certificate.
    const newKey = readdirSync(join(msp, 'keystore'))
      .map((f) => readFileSync(join(msp, 'keystore', f), 'utf8'))
      .find((k) => keyMatchesCert(k, newCert));
    if (!newKey) throw new Error(`reenroll of ${who.id}: no key matches the new certificate`);
    writeLocalMsp(who.msp, orgCaCerts(ctx.paths), { cert: newCert, key: toPkcs8Pem(newKey) });
    if (who.walletLabel) {
      new FileIdentityStore(who.walletDir).put(
        who.walletLabel,
        walletIdentity(ctx.org.mspId, newCert, newKey),
      );
    }
    return { identity: who, certificate: newCert };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Every MSP of the organisation that should carry its CRL: the channel MSP and all local MSPs. */
function orgMsps(ctx: OrgCaContext): string[] {
  return [
    ctx.paths.channelMsp,
    ...ctx.paths.nodes.map((n) => n.msp),
    ctx.paths.admin.msp,
    ...ctx.paths.users.map((u) => u.msp),
  ].filter((m) => existsSync(m));
}

function placeCrl(ctx: OrgCaContext): string {
  const file = join(ctx.paths.clients.intermediate, 'msp', 'crls', 'crl.pem');
  const crl = readFileSync(file, 'utf8');
  for (const msp of orgMsps(ctx)) writeCrl(msp, crl);
  return crl;
}

export interface RevokeOutcome {
  /** Serial numbers (lower-case hex) revoked by this call. */
  serials: string[];
  /** The CRL (PEM) now in the org MSPs' crls/. */
  crl: string;
  /** Where the CRL was placed. */
  placedIn: string[];
}

/**
 * Revokes a registered identity at the org's intermediate CA (every certificate of it), generates
 * a CRL and places it in `crls/` of the org's channel MSP and local MSPs. `name` may be a topology
 * identity (see {@link resolveIdentity}) or any enrollment ID registered at the CA.
 */
export async function revokeIdentity(
  topology: Topology,
  org: string,
  name: string,
  opts: OperationOptions & { reason?: string } = {},
): Promise<RevokeOutcome> {
  const ctx = orgContext(topology, org, opts.env);
  let id = name;
  try {
    id = resolveIdentity(ctx, name).id;
  } catch {
    // Not a topology identity: revoke it by enrollment ID as given.
  }
  const ep = endpoint(ctx, 'intermediate');
  let output: string;
  try {
    const run = await runCaClient(
      [
        'revoke',
        '-u',
        caUrl(ep),
        '--tls.certfiles',
        ep.tlsCaCertFile,
        '-e',
        id,
        '-r',
        opts.reason ?? 'unspecified',
        '--gencrl',
      ],
      ctx.paths.clients.intermediate,
      opts.env,
    );
    output = `${run.stdout}\n${run.stderr}`;
  } catch (e) {
    throw classifyClientError(e, ep, id, 'revoke');
  }
  const serials = [...output.matchAll(/Serial:([0-9a-fA-F]+)/g)].map((m) =>
    (m[1] ?? '').toLowerCase().replace(/^0+(?=.)/, ''),
  );
  const crl = placeCrl(ctx);
  return { serials, crl, placedIn: orgMsps(ctx) };
}

/** Generates the org intermediate CA's CRL and places it in the org MSPs' `crls/`. */
export async function generateCrl(
  topology: Topology,
  org: string,
  opts: OperationOptions = {},
): Promise<RevokeOutcome> {
  const ctx = orgContext(topology, org, opts.env);
  const ep = endpoint(ctx, 'intermediate');
  try {
    await runCaClient(
      ['gencrl', '-u', caUrl(ep), '--tls.certfiles', ep.tlsCaCertFile],
      ctx.paths.clients.intermediate,
      opts.env,
    );
  } catch (e) {
    throw classifyClientError(e, ep, 'crl', 'gencrl');
  }
  return { serials: [], crl: placeCrl(ctx), placedIn: orgMsps(ctx) };
}

/** Identities registered at the org's intermediate CA (or its TLS CA with `tier: 'tls'`). */
export async function listRegistered(
  topology: Topology,
  org: string,
  opts: OperationOptions & { tier?: 'intermediate' | 'tls' } = {},
): Promise<RegisteredIdentity[]> {
  const ctx = orgContext(topology, org, opts.env);
  const tier = opts.tier ?? 'intermediate';
  return listIdentities(endpoint(ctx, tier), ctx.paths.clients[tier], undefined, opts.env);
}
