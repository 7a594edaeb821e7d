/**
 * The three CA servers of each organisation: configure, start (bootstrapping on first start),
 * check and stop them.
 *
 * Bootstrap order for one organisation:
 * 1. TLS CA (issues its own TLS server certificate);
 * 2. TLS server certificates for the root and intermediate CA, from the TLS CA;
 * 3. root CA;
 * 4. intermediate CA, which enrolls from the root (profile `ca`: pathlen 0) on its first start.
 * Once the intermediate exists the root is only needed to re-issue the intermediate, so it can
 * stay stopped (offline).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import {
  binaryPath,
  ensureHostNetwork,
  LOOPBACK_ADDRESS,
  logTail,
  organizations,
  nodeAddress,
  orgHost,
  planPorts,
  hostsFile,
  runningPid,
  startProcess,
  stopProcess,
  type HostPlacement,
  type OrgInfo,
  type ProcessSpec,
  type PathEnv,
  type Topology,
} from '@fabpay/topology';
import type { OrgCaPorts } from '@fabpay/topology';
import { BinaryMissingError, CaStartError, IdentityNotFoundError, NotSetUpError } from '../errors';
import { caUrl, type CaEndpoint } from '../enroll/ca-client';
import { enrollCertificate, enrollRegistrar, ensureRegistered } from '../enroll/identities';
import { CA_TIERS, orgPaths, type CaTier, type OrgPaths } from '../layout';
import { writeIfChanged } from '../msp/files';
import { OrgSecrets, randomSecret, writePrivateFile } from '../secrets';
import { caHost, serverConfigYaml } from './config';
import { caHosts, tlsCertProblem } from '../tls-hosts';
import { probeCaInfo, probeHealthz, waitUntil } from './health';

/**
 * Makes the topology's hosts (network namespaces) exist before a CA starts in one; nothing for a
 * loopback topology. The hosts file people can read is written to `<run>/hosts`.
 */
export async function ensureHosts(topology: Topology, env: PathEnv, progress: Progress): Promise<void> {
  const changes = await ensureHostNetwork(topology, hostsFile(env));
  for (const line of changes?.created ?? []) progress(`host network: created ${line}`);
}

/** Enrollment ID of every CA's bootstrap admin. */
export const BOOTSTRAP_ADMIN = 'admin';

/** Everything needed to work on one organisation's CAs. */
export interface OrgCaContext {
  org: OrgInfo;
  paths: OrgPaths;
  ports: OrgCaPorts;
  /** The host its CAs run on (topology placement); undefined: loopback. */
  host: HostPlacement | undefined;
  /** The address its CAs listen on: the host's, else 127.0.0.1. */
  address: string;
  /** The address one of its nodes (by full host name) listens on: its host's, else 127.0.0.1. */
  nodeAddress: (nodeHostName: string) => string;
  secrets: OrgSecrets;
  env: PathEnv;
}

/** Progress callback: one human-readable line per step. */
export type Progress = (line: string) => void;

export interface CaProcessOptions {
  env?: PathEnv;
  /** How long to wait for a server to become ready (default 60 s). */
  readyTimeoutMs?: number;
  onProgress?: Progress;
  /** Restrict to these organisations (names or MSP IDs); default all. */
  orgs?: string[];
}

/** Contexts for the organisations of a topology (optionally filtered by name or MSP ID). */
export function orgContexts(
  topology: Topology,
  opts: { env?: PathEnv; orgs?: string[] } = {},
): OrgCaContext[] {
  const env = opts.env ?? process.env;
  const plan = planPorts(topology);
  const wanted = opts.orgs?.map((o) => o.toLowerCase());
  const orgs = organizations(topology).filter(
    (o) => !wanted || wanted.includes(o.name.toLowerCase()) || wanted.includes(o.mspId.toLowerCase()),
  );
  if (wanted && orgs.length !== wanted.length) {
    const known = organizations(topology).map((o) => o.name);
    throw new IdentityNotFoundError(
      `unknown organisation in ${opts.orgs?.join(', ')}; the topology has ${known.join(', ')}`,
    );
  }
  return orgs.map((org) => {
    const paths = orgPaths(org, env);
    const ports = plan.orgs.find((p) => p.org === org.name)?.cas;
    if (!ports) throw new Error(`port plan has no entry for ${org.name}`);
    const host = orgHost(topology, org.name);
    const address = host?.address ?? LOOPBACK_ADDRESS;
    const nodeAddressOf = (nodeHostName: string): string => nodeAddress(topology, nodeHostName);
    return {
      org,
      paths,
      ports,
      host,
      address,
      nodeAddress: nodeAddressOf,
      secrets: new OrgSecrets(paths.secrets),
      env,
    };
  });
}

/** "Org1 intermediate CA". */
export function tierLabel(org: string, tier: CaTier): string {
  return `${org} ${{ tls: 'TLS CA', root: 'root CA', intermediate: 'intermediate CA' }[tier]}`;
}

/**
 * The process of one CA server: the one place its command line, PID file and log are named, for
 * starting it, telling whether it runs and stopping it.
 */
export function serverProcess(ctx: OrgCaContext, tier: CaTier): ProcessSpec {
  const sp = ctx.paths.servers[tier];
  return {
    name: tierLabel(ctx.org.name, tier),
    command: binaryPath('fabric-ca-server', ctx.env),
    args: ['start', '-H', sp.home, '-c', sp.config],
    cwd: sp.home,
    logFile: sp.logFile,
    // Owner-only: fabric-ca-server logs its configuration, including the parent CA URL with credentials.
    logMode: 0o600,
    pidFile: sp.pidFile,
    env: { ...process.env, FABRIC_CA_SERVER_HOME: sp.home },
    ...(ctx.host ? { netns: ctx.host.netns } : {}),
  };
}

/** How clients reach one of the org's CA servers (every server's TLS certificate is from the TLS CA). */
export function endpoint(ctx: OrgCaContext, tier: CaTier): CaEndpoint {
  return {
    label: tierLabel(ctx.org.name, tier),
    address: ctx.address,
    port: ctx.ports[tier].listen,
    tlsCaCertFile: ctx.paths.tlsCaCert,
  };
}

/** Status of one CA server. */
export interface CaStatus {
  org: string;
  tier: CaTier;
  running: boolean;
  pid?: number;
  listen: number;
  operations: number;
  /** Whether the server has been initialised (its CA certificate exists). */
  initialised: boolean;
}

/** PID-file based status of every CA server (does not probe the network). */
export function caStatus(topology: Topology, opts: { env?: PathEnv; orgs?: string[] } = {}): CaStatus[] {
  return orgContexts(topology, opts).flatMap((ctx) =>
    CA_TIERS.map((tier) => {
      const pid = runningPid(serverProcess(ctx, tier));
      return {
        org: ctx.org.name,
        tier,
        running: pid !== undefined,
        ...(pid !== undefined ? { pid } : {}),
        listen: ctx.ports[tier].listen,
        operations: ctx.ports[tier].operations,
        initialised: existsSync(ctx.paths.servers[tier].caCert),
      };
    }),
  );
}

/**
 * The root CA identity the intermediate enrolls as: named after the intermediate's host, so its
 * certificate reads `CN=ica.<domain>` (and every member certificate's issuer with it), not the
 * root's bootstrap admin. Its secret is generated once and kept with the org's secrets.
 */
function intermediateEnrollment(ctx: OrgCaContext): { id: string; secret: string } {
  const id = caHost('intermediate', ctx.org.domain);
  let secret = ctx.secrets.identity('root', id);
  if (!secret) {
    secret = randomSecret();
    ctx.secrets.setIdentity('root', id, secret);
  }
  return { id, secret };
}

function writeServerConfig(ctx: OrgCaContext, tier: CaTier): void {
  const sp = ctx.paths.servers[tier];
  mkdirSync(sp.home, { recursive: true, mode: 0o700 });
  const yaml = serverConfigYaml({
    tier,
    org: ctx.org.name,
    domain: ctx.org.domain,
    address: ctx.address,
    listenPort: ctx.ports[tier].listen,
    operationsPort: ctx.ports[tier].operations,
    adminId: BOOTSTRAP_ADMIN,
    adminSecret: ctx.secrets.bootstrap(tier),
    ...(tier === 'tls' ? {} : { tlsCertFile: sp.tlsCert, tlsKeyFile: sp.tlsKey }),
    ...(tier === 'root' ? { childCa: intermediateEnrollment(ctx) } : {}),
    ...(tier === 'intermediate'
      ? {
          parent: {
            url: caUrl(endpoint(ctx, 'root'), intermediateEnrollment(ctx)),
            tlsCaCertFile: ctx.paths.tlsCaCert,
          },
        }
      : {}),
  });
  // The config holds bootstrap secrets: owner-only.
  writeIfChanged(sp.config, yaml, 0o600);
}

/**
 * Starts one CA server if it is not running and waits until /healthz and /cainfo answer.
 * @returns 'started' or 'running' (it was already up).
 */
export async function startServer(
  ctx: OrgCaContext,
  tier: CaTier,
  opts: { readyTimeoutMs?: number; onProgress?: Progress } = {},
): Promise<'started' | 'running'> {
  const sp = ctx.paths.servers[tier];
  const label = tierLabel(ctx.org.name, tier);
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const proc = serverProcess(ctx, tier);
  if (runningPid(proc) !== undefined) {
    await waitReady(ctx, tier, timeoutMs, () => undefined);
    return 'running';
  }
  if (!existsSync(proc.command)) throw new BinaryMissingError(proc.command);
  if (tier !== 'tls' && !(existsSync(sp.tlsCert) && existsSync(sp.tlsKey))) {
    throw new NotSetUpError(`the TLS certificate of the ${label} (${sp.tlsCert})`);
  }
  writeServerConfig(ctx, tier);
  opts.onProgress?.(
    `starting ${label} on ${ctx.address}:${ctx.ports[tier].listen} (operations ${ctx.ports[tier].operations})`,
  );
  const { pid } = startProcess(proc);
  await waitReady(ctx, tier, timeoutMs, () => {
    if (runningPid(proc) === undefined) {
      throw new CaStartError(
        `${label} (pid ${pid}) exited during start-up; last lines of ${sp.logFile}:\n${logTail(sp.logFile, 15)}`,
      );
    }
  });
  // The server writes its key store with its own umask; keep the home owner-only.
  chmodSync(sp.home, 0o700);
  return 'started';
}

async function waitReady(
  ctx: OrgCaContext,
  tier: CaTier,
  timeoutMs: number,
  check: () => void,
): Promise<void> {
  const sp = ctx.paths.servers[tier];
  const ports = ctx.ports[tier];
  const label = tierLabel(ctx.org.name, tier);
  try {
    await waitUntil(
      `GET http://${ctx.address}:${ports.operations}/healthz`,
      () => probeHealthz(ports.operations, ctx.address),
      {
        label,
        timeoutMs,
        check,
      },
    );
    await waitUntil(
      `GET https://${ctx.address}:${ports.listen}/cainfo`,
      async () =>
        existsSync(ctx.paths.tlsCaCert)
          ? probeCaInfo(ports.listen, readFileSync(ctx.paths.tlsCaCert), ctx.address)
          : { ok: false, reason: `${ctx.paths.tlsCaCert} not written yet` },
      { label, timeoutMs, check },
    );
  } catch (e) {
    if (e instanceof CaStartError) throw e;
    throw new CaStartError(
      `${(e as Error).message}\nlast lines of ${sp.logFile}:\n${logTail(sp.logFile, 15)}`,
    );
  }
}

/** Stops one CA server (by its PID record) and waits for it to exit. @returns true if it was running. */
export async function stopServer(ctx: OrgCaContext, tier: CaTier, onProgress?: Progress): Promise<boolean> {
  const stopped = await stopProcess(serverProcess(ctx, tier), { graceMs: 10_000 });
  if (stopped) onProgress?.(`stopped ${tierLabel(ctx.org.name, tier)}`);
  return stopped;
}

/**
 * Makes sure the root and intermediate CA have TLS server certificates from the TLS CA for their
 * current hosts (needs the TLS CA running and its admin enrolled): issues a missing one and
 * re-issues one the TLS CA did not issue, that expired or that misses a host (e.g. one issued
 * before the Kubernetes Service names were added).
 * @returns why it was (re-)issued, or undefined when the certificate was kept.
 */
async function ensureServerTlsCert(
  ctx: OrgCaContext,
  tier: 'root' | 'intermediate',
): Promise<string | undefined> {
  const sp = ctx.paths.servers[tier];
  const hosts = caHosts(tier, ctx.org, ctx.address);
  const current =
    existsSync(sp.tlsCert) && existsSync(sp.tlsKey)
      ? { cert: readFileSync(sp.tlsCert, 'utf8'), key: readFileSync(sp.tlsKey, 'utf8') }
      : undefined;
  const problem = tlsCertProblem(current, readFileSync(ctx.paths.tlsCaCert, 'utf8'), hosts);
  if (!problem) return undefined;
  const tlsEp = endpoint(ctx, 'tls');
  const id = caHost(tier, ctx.org.domain);
  let secret = ctx.secrets.identity('tls', id);
  if (!secret) {
    secret = randomSecret();
    ctx.secrets.setIdentity('tls', id, secret);
  }
  await ensureRegistered(tlsEp, ctx.paths.clients.tls, { id, type: 'client' }, secret, ctx.env);
  const { cert, key } = await enrollCertificate(
    tlsEp,
    ctx.paths.scratch,
    { id, secret, hosts, profile: 'tls' },
    ctx.env,
  );
  writeIfChanged(sp.tlsCert, cert);
  writePrivateFile(sp.tlsKey, key);
  return problem;
}

/**
 * Brings an organisation's CAs up, bootstrapping whatever does not exist yet: TLS CA, the TLS
 * certificates of the other two servers, the root (only when the intermediate still has to
 * enroll, or when `withRoot`), the intermediate, and the registrar enrollments of the TLS and
 * intermediate CA.
 */
export async function bootstrapOrgCAs(
  ctx: OrgCaContext,
  opts: { withRoot?: boolean; readyTimeoutMs?: number; onProgress?: Progress } = {},
): Promise<void> {
  const p = { readyTimeoutMs: opts.readyTimeoutMs, onProgress: opts.onProgress };
  await startServer(ctx, 'tls', p);
  await enrollRegistrar(
    endpoint(ctx, 'tls'),
    ctx.paths.clients.tls,
    BOOTSTRAP_ADMIN,
    ctx.secrets.bootstrap('tls'),
    ctx.env,
  );
  for (const tier of ['root', 'intermediate'] as const) {
    const reissued = await ensureServerTlsCert(ctx, tier);
    if (reissued) {
      opts.onProgress?.(`${tierLabel(ctx.org.name, tier)}: issued its TLS certificate (was: ${reissued})`);
      // A running server keeps presenting the certificate it started with: restart it (below).
      await stopServer(ctx, tier, opts.onProgress);
    }
  }
  const intermediateInitialised = existsSync(ctx.paths.servers.intermediate.caCert);
  if (opts.withRoot || !intermediateInitialised) {
    await startServer(ctx, 'root', p);
  }
  await startServer(ctx, 'intermediate', p);
  await enrollRegistrar(
    endpoint(ctx, 'intermediate'),
    ctx.paths.clients.intermediate,
    BOOTSTRAP_ADMIN,
    ctx.secrets.bootstrap('intermediate'),
    ctx.env,
  );
}

/** Which tiers to act on; the root is left out unless asked for, as it is meant to stay offline. */
export interface TierSelection {
  tiers?: CaTier[];
}

/**
 * Starts the CA servers of the topology's organisations (default: TLS and intermediate CA of every
 * org; include 'root' in `tiers` to bring the root online). Servers must have been set up.
 */
export async function startCAs(
  topology: Topology,
  opts: CaProcessOptions & TierSelection = {},
): Promise<CaStatus[]> {
  const tiers = opts.tiers ?? ['tls', 'intermediate'];
  await ensureHosts(topology, opts.env ?? process.env, opts.onProgress ?? (() => undefined));
  for (const ctx of orgContexts(topology, opts)) {
    for (const tier of CA_TIERS.filter((t) => tiers.includes(t))) {
      if (!existsSync(ctx.paths.servers[tier].caCert)) {
        throw new NotSetUpError(`the ${tierLabel(ctx.org.name, tier)} (${ctx.paths.servers[tier].home})`);
      }
      await startServer(ctx, tier, opts);
    }
  }
  return caStatus(topology, opts);
}

/**
 * Stops CA servers (default: all three tiers of every org) and waits until each has exited.
 * @returns the servers that were running and are now stopped.
 */
export async function stopCAs(
  topology: Topology,
  opts: CaProcessOptions & TierSelection = {},
): Promise<{ org: string; tier: CaTier }[]> {
  const tiers = opts.tiers ?? [...CA_TIERS];
  const stopped: { org: string; tier: CaTier }[] = [];
  // Stop in reverse bootstrap order: intermediate, root, TLS.
  for (const ctx of orgContexts(topology, opts)) {
    for (const tier of [...CA_TIERS].reverse().filter((t) => tiers.includes(t))) {
      if (await stopServer(ctx, tier, opts.onProgress)) stopped.push({ org: ctx.org.name, tier });
    }
  }
  return stopped;
}

/** Stops every root CA once its intermediate exists (the root is meant to be kept offline). */
export async function takeRootsOffline(topology: Topology, opts: CaProcessOptions = {}): Promise<string[]> {
  const done: string[] = [];
  for (const ctx of orgContexts(topology, opts)) {
    if (!existsSync(ctx.paths.servers.intermediate.caCert)) {
      throw new NotSetUpError(
        `the ${tierLabel(ctx.org.name, 'intermediate')}; the root must stay online until it`,
      );
    }
    await stopServer(ctx, 'root', opts.onProgress);
    done.push(ctx.org.name);
  }
  return done;
}
