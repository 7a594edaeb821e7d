/**
 * setupOrganizations: from a topology to running CAs and every MSP, TLS folder and wallet the
 * network needs. Idempotent: identities whose material is present and valid are left untouched,
 * registrations that already exist are accepted when they match, so a second run changes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathEnv, Topology, UserSpec } from '@fabpay/topology';
import {
  certAttributes,
  issuedBy,
  isExpired,
  keyMatchesCert,
  organizationalUnits,
  serialHex,
  crlSerials,
} from './certs';
import { CaError } from './errors';
import { enrollCertificate, ensureRegistered, resetSecret, type IdentitySpec } from './enroll/identities';
import { FileIdentityStore, walletIdentity } from './identity-store';
import { randomSecret } from './secrets';
import { nodeHosts, tlsCertProblem } from './tls-hosts';
import { adminEnrollmentId, paths as topologyPaths, type OrgPaths, type TopologyPaths } from './layout';
import {
  readKey,
  readSignCert,
  readTlsDir,
  writeChannelMsp,
  writeLocalMsp,
  writeTlsDir,
  type OrgCaCerts,
  type TlsRole,
} from './msp/build';
import {
  bootstrapOrgCAs,
  caStatus,
  endpoint,
  ensureHosts,
  orgContexts,
  stopServer,
  type CaStatus,
  type OrgCaContext,
  type Progress,
} from './server/cas';

export interface SetupOptions {
  /** Path overrides (FABPAY_HOME, FABPAY_BIN_DIR); default process.env. */
  env?: PathEnv;
  /** Leave the root CAs running afterwards (default false: the root goes offline once the intermediate exists). */
  keepRootOnline?: boolean;
  /** Only these organisations (names or MSP IDs). */
  orgs?: string[];
  readyTimeoutMs?: number;
  onProgress?: Progress;
}

/** What setup did for one organisation. */
export interface OrgSetupResult {
  org: string;
  mspId: string;
  paths: OrgPaths;
  /** Identities (enrollment IDs) enrolled or re-enrolled in this run; empty on a repeated run. */
  enrolled: string[];
  /** Wallet labels written or updated in this run. */
  walletsWritten: string[];
}

export interface SetupResult {
  orgs: OrgSetupResult[];
  /** The paths helper for the whole topology. */
  paths: TopologyPaths;
  /** State of every CA server after setup. */
  cas: CaStatus[];
}

/** The org's CA certificates as read from the CA server homes. */
export function orgCaCerts(p: OrgPaths): OrgCaCerts {
  const read = (f: string): string => readFileSync(f, 'utf8');
  return {
    root: read(p.servers.root.caCert),
    intermediate: read(p.servers.intermediate.caCert),
    tls: read(p.tlsCaCert),
  };
}

/** Why an existing enrollment certificate can no longer be used, or undefined when it is fine. */
function enrollmentProblem(
  cert: string | undefined,
  key: string | undefined,
  cas: OrgCaCerts,
  spec: IdentitySpec,
): string | undefined {
  if (!cert || !key) return 'not enrolled';
  if (!keyMatchesCert(key, cert)) return 'key does not match certificate';
  if (!issuedBy(cert, cas.intermediate)) return 'not issued by the current intermediate CA';
  if (isExpired(cert)) return 'expired';
  if (!organizationalUnits(cert).includes(spec.type)) return `certificate OU is not ${spec.type}`;
  const attrs = certAttributes(cert);
  for (const [k, v] of Object.entries(spec.attributes ?? {}))
    if (attrs[k] !== v) return `attribute ${k} differs`;
  return undefined;
}

/** Registers if needed and returns a secret that enrolls the identity. */
async function secretFor(
  ctx: OrgCaContext,
  tier: 'tls' | 'intermediate',
  spec: IdentitySpec,
): Promise<string> {
  const ep = endpoint(ctx, tier);
  const registrar = ctx.paths.clients[tier];
  const known = ctx.secrets.identity(tier, spec.id);
  const secret = known ?? randomSecret();
  const outcome = await ensureRegistered(ep, registrar, spec, secret, ctx.env);
  if (outcome === 'exists' && !known) {
    // Registered earlier but the secret was lost (e.g. secrets.json deleted): set a new one.
    await resetSecret(ep, registrar, spec.id, secret, ctx.env);
  }
  if (!known) ctx.secrets.setIdentity(tier, spec.id, secret);
  return secret;
}

/** Serial numbers in the org's current CRL (channel MSP crls/), empty when there is none. */
function revokedSerials(ctx: OrgCaContext): Set<string> {
  const file = join(ctx.paths.channelMsp, 'crls', 'crl.pem');
  return new Set(existsSync(file) ? crlSerials(readFileSync(file, 'utf8')) : []);
}

async function ensureEnrollment(
  ctx: OrgCaContext,
  msp: string,
  spec: IdentitySpec,
  cas: OrgCaCerts,
  hosts: string[] | undefined,
  progress: Progress,
): Promise<boolean> {
  const cert = readSignCert(msp);
  const problem = enrollmentProblem(cert, readKey(msp), cas, spec);
  if (!problem) {
    writeLocalMsp(msp, cas);
    // A revoked identity cannot enroll again, so setup leaves it alone but says so.
    if (cert && revokedSerials(ctx).has(serialHex(cert))) {
      progress(
        `${ctx.org.name}: warning: the certificate of ${spec.id} is revoked (serial ${serialHex(cert)}); register a new identity or remove it from the topology`,
      );
    }
    return false;
  }
  const secret = await secretFor(ctx, 'intermediate', spec);
  const enrolled = await enrollCertificate(
    endpoint(ctx, 'intermediate'),
    ctx.paths.scratch,
    { id: spec.id, secret, ...(hosts ? { hosts } : {}) },
    ctx.env,
  );
  writeLocalMsp(msp, cas, enrolled);
  progress(`${ctx.org.name}: enrolled ${spec.id} (${spec.type}; was: ${problem})`);
  return true;
}

/**
 * Makes sure a TLS folder holds a valid certificate from the TLS CA for `hosts`: a node's server
 * certificate, or the org admin's client certificate.
 */
async function ensureTls(
  ctx: OrgCaContext,
  spec: IdentitySpec,
  tlsDir: string,
  hosts: string[],
  role: TlsRole,
  cas: OrgCaCerts,
  progress: Progress,
): Promise<boolean> {
  const current = readTlsDir(tlsDir, role);
  const problem = tlsCertProblem(current, cas.tls, hosts);
  if (!problem && current) {
    // Refresh ca.crt only (no change when identical).
    writeTlsDir(tlsDir, cas.tls, current, role);
    return false;
  }
  const secret = await secretFor(ctx, 'tls', spec);
  const enrolled = await enrollCertificate(
    endpoint(ctx, 'tls'),
    ctx.paths.scratch,
    { id: spec.id, secret, hosts, profile: 'tls' },
    ctx.env,
  );
  writeTlsDir(tlsDir, cas.tls, enrolled, role);
  progress(`${ctx.org.name}: issued TLS ${role} certificate for ${spec.id} (was: ${problem ?? 'missing'})`);
  return true;
}

function writeWallet(store: FileIdentityStore, label: string, mspId: string, msp: string): boolean {
  const cert = readSignCert(msp);
  const key = readKey(msp);
  if (!cert || !key) throw new CaError('NOT_SET_UP', `no certificate in ${msp}`);
  return store.put(label, walletIdentity(mspId, cert, key));
}

async function setupOrg(ctx: OrgCaContext, opts: SetupOptions, progress: Progress): Promise<OrgSetupResult> {
  const p = ctx.paths;
  await bootstrapOrgCAs(ctx, {
    withRoot: opts.keepRootOnline ?? false,
    ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
    onProgress: progress,
  });
  const cas = orgCaCerts(p);
  writeChannelMsp(p.channelMsp, cas);
  const enrolled: string[] = [];
  const walletsWritten: string[] = [];

  for (const node of ctx.org.nodes) {
    const np = p.nodes.find((n) => n.host === node.host);
    if (!np) throw new Error(`no paths for ${node.host}`);
    const spec: IdentitySpec = { id: node.host, type: node.kind };
    const hosts = nodeHosts(node, ctx.nodeAddress(node.host));
    if (await ensureEnrollment(ctx, np.msp, spec, cas, hosts, progress)) enrolled.push(node.host);
    const tlsSpec: IdentitySpec = { id: node.host, type: node.kind };
    if (await ensureTls(ctx, tlsSpec, np.tls, hosts, 'server', cas, progress)) {
      enrolled.push(`${node.host} (TLS)`);
    }
  }

  const adminSpec: IdentitySpec = { id: adminEnrollmentId(ctx.org), type: 'admin' };
  if (await ensureEnrollment(ctx, p.admin.msp, adminSpec, cas, undefined, progress)) {
    enrolled.push(adminSpec.id);
  }
  // The admin's TLS client certificate (osnadmin and any mutual-TLS endpoint want one).
  if (await ensureTls(ctx, adminSpec, p.adminTls, ['localhost', '127.0.0.1'], 'client', cas, progress)) {
    enrolled.push(`${adminSpec.id} (TLS)`);
  }

  const users: { spec: IdentitySpec; user: UserSpec }[] = ctx.org.users.map((user) => ({
    user,
    spec: { id: user.name, type: 'client', attributes: user.attributes },
  }));
  for (const { spec, user } of users) {
    const up = p.users.find((u) => u.enrollmentId === user.name);
    if (!up) throw new Error(`no paths for user ${user.name}`);
    if (await ensureEnrollment(ctx, up.msp, spec, cas, undefined, progress)) enrolled.push(spec.id);
  }

  // Wallets: the org admin and every user, for backend services and the gateway client.
  const wallet = new FileIdentityStore(p.walletDir);
  for (const u of [p.admin, ...p.users]) {
    if (writeWallet(wallet, u.walletLabel, ctx.org.mspId, u.msp)) walletsWritten.push(u.walletLabel);
  }
  // The intermediate's registrar, for the programmatic API (register/revoke need a registrar).
  const registrar = new FileIdentityStore(p.registrarStore);
  if (writeWallet(registrar, 'registrar', ctx.org.mspId, join(p.clients.intermediate, 'msp'))) {
    walletsWritten.push('registrar');
  }

  if (!opts.keepRootOnline && existsSync(p.servers.intermediate.caCert)) {
    await stopServer(ctx, 'root', (l) =>
      progress(`${l} (kept offline; \`fabpay-ca start --root\` brings it back)`),
    );
  }
  progress(
    `${ctx.org.name}: ${enrolled.length === 0 ? 'all identities up to date' : `${enrolled.length} certificate(s) issued`}`,
  );
  return { org: ctx.org.name, mspId: ctx.org.mspId, paths: p, enrolled, walletsWritten };
}

/**
 * Sets up every organisation of the topology: starts its CAs if needed (bootstrapping them on the
 * first run), registers and enrolls its nodes, admin and users, and writes local MSPs, TLS folders,
 * the channel MSP and wallets. Idempotent.
 */
export async function setupOrganizations(topology: Topology, opts: SetupOptions = {}): Promise<SetupResult> {
  const env = opts.env ?? process.env;
  const progress = opts.onProgress ?? (() => undefined);
  await ensureHosts(topology, env, progress);
  const results: OrgSetupResult[] = [];
  for (const ctx of orgContexts(topology, { env, ...(opts.orgs ? { orgs: opts.orgs } : {}) })) {
    results.push(await setupOrg(ctx, opts, progress));
  }
  return { orgs: results, paths: topologyPaths(topology, env), cas: caStatus(topology, { env }) };
}
