/**
 * Idempotent registration and enrollment through the fabric-ca-client binary.
 *
 * - {@link ensureRegistered}: registers an identity, or accepts an existing registration when its
 *   type and `:ecert` attributes match (a mismatch is an error, never silently changed).
 * - {@link enrollCertificate}: enrolls into a scratch MSP and returns the certificate and key, so
 *   callers lay out the final MSP or TLS folder themselves.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PathEnv } from '@fabpay/topology';
import { keyMatchesCert, toPkcs8Pem } from '../certs';
import { RegistrationMismatchError } from '../errors';
import {
  caErrorCode,
  caUrl,
  classifyClientError,
  ClientCommandError,
  runCaClient,
  type CaEndpoint,
} from './ca-client';

/** Identity types fabric-ca records (and puts in the certificate OU for NodeOUs). */
export type IdentityType = 'client' | 'peer' | 'admin' | 'orderer';

export interface IdentitySpec {
  /** Enrollment ID. */
  id: string;
  type: IdentityType;
  /** Attributes registered `:ecert` (they land in the enrollment certificate). */
  attributes?: Record<string, string>;
  affiliation?: string;
}

/** What fabric-ca reports about a registered identity. */
export interface RegisteredIdentity {
  id: string;
  type: string;
  affiliation: string;
  maxEnrollments: number;
  attributes: { name: string; value: string; ecert: boolean }[];
}

/** Parses one line of `fabric-ca-client identity list` output. */
export function parseIdentityLine(line: string): RegisteredIdentity | undefined {
  const m =
    /^Name: (.*), Type: (.*), Affiliation: (.*), Max Enrollments: (-?\d+), Attributes: \[(.*)\]\s*$/.exec(
      line,
    );
  if (!m) return undefined;
  const attributes = [...(m[5] ?? '').matchAll(/\{Name:(\S+) Value:(.*?) ECert:(true|false)\}/g)].map(
    (a) => ({
      name: a[1] ?? '',
      value: a[2] ?? '',
      ecert: a[3] === 'true',
    }),
  );
  return {
    id: m[1] ?? '',
    type: m[2] ?? '',
    affiliation: m[3] ?? '',
    maxEnrollments: Number(m[4]),
    attributes,
  };
}

/** Lists identities registered at a CA (all, or just `id`). */
export async function listIdentities(
  ep: CaEndpoint,
  registrarHome: string,
  id?: string,
  env?: PathEnv,
): Promise<RegisteredIdentity[]> {
  const args = ['identity', 'list', '-u', caUrl(ep), '--tls.certfiles', ep.tlsCaCertFile];
  if (id) args.push('--id', id);
  try {
    const { stdout, stderr } = await runCaClient(args, registrarHome, env);
    return `${stdout}\n${stderr}`
      .split('\n')
      .map(parseIdentityLine)
      .filter((x): x is RegisteredIdentity => x !== undefined);
  } catch (e) {
    // Code 63: no such identity.
    if (id && e instanceof ClientCommandError && caErrorCode(e.output) === 63) return [];
    throw classifyClientError(e, ep, id ?? '(all)', 'identity list');
  }
}

/** Differences between a wanted registration and the CA's record (empty when they match). */
export function registrationDifferences(spec: IdentitySpec, found: RegisteredIdentity): string[] {
  const diffs: string[] = [];
  if (found.type !== spec.type) diffs.push(`type is ${found.type}, wanted ${spec.type}`);
  for (const [name, value] of Object.entries(spec.attributes ?? {})) {
    const a = found.attributes.find((x) => x.name === name);
    if (!a) diffs.push(`attribute ${name} is missing`);
    else if (a.value !== value || !a.ecert) {
      diffs.push(
        `attribute ${name} is ${JSON.stringify(a.value)}${a.ecert ? '' : ' (not :ecert)'}, wanted ${JSON.stringify(value)}:ecert`,
      );
    }
  }
  return diffs;
}

/** `name=value:ecert,...` for `--id.attrs`; values are quoted when they contain a comma. */
function attrsFlag(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${k}=${v.includes(',') ? `"${v}"` : v}:ecert`)
    .join(',');
}

/**
 * Registers an identity unless it is already registered with the same type and attributes.
 * @param secret the secret to register with (ignored when already registered).
 * @returns `registered` for a new registration, `exists` when a matching one was found.
 * @throws RegistrationMismatchError when an existing registration differs.
 */
export async function ensureRegistered(
  ep: CaEndpoint,
  registrarHome: string,
  spec: IdentitySpec,
  secret: string,
  env?: PathEnv,
): Promise<'registered' | 'exists'> {
  const [found] = await listIdentities(ep, registrarHome, spec.id, env);
  if (found) {
    const diffs = registrationDifferences(spec, found);
    if (diffs.length > 0) throw new RegistrationMismatchError(spec.id, diffs);
    return 'exists';
  }
  const args = [
    'register',
    '-u',
    caUrl(ep),
    '--tls.certfiles',
    ep.tlsCaCertFile,
    '--id.name',
    spec.id,
    '--id.secret',
    secret,
    '--id.type',
    spec.type,
    '--id.affiliation',
    spec.affiliation ?? '',
    '--id.maxenrollments',
    '-1',
  ];
  const attrs = attrsFlag(spec.attributes ?? {});
  if (attrs) args.push('--id.attrs', attrs);
  try {
    await runCaClient(args, registrarHome, env);
    return 'registered';
  } catch (e) {
    // Registered concurrently between our check and the call: verify it matches.
    if (e instanceof ClientCommandError && caErrorCode(e.output) === 74) {
      const [again] = await listIdentities(ep, registrarHome, spec.id, env);
      const diffs = again ? registrationDifferences(spec, again) : ['not found after "already registered"'];
      if (diffs.length > 0) throw new RegistrationMismatchError(spec.id, diffs);
      return 'exists';
    }
    throw classifyClientError(e, ep, spec.id, 'register');
  }
}

/** Sets a new secret on an existing identity (used when the stored secret was lost). */
export async function resetSecret(
  ep: CaEndpoint,
  registrarHome: string,
  id: string,
  secret: string,
  env?: PathEnv,
): Promise<void> {
  try {
    await runCaClient(
      ['identity', 'modify', id, '--secret', secret, '-u', caUrl(ep), '--tls.certfiles', ep.tlsCaCertFile],
      registrarHome,
      env,
    );
  } catch (e) {
    throw classifyClientError(e, ep, id, 'identity modify');
  }
}

export interface EnrollRequest {
  id: string;
  secret: string;
  /** CSR hosts (SANs). */
  hosts?: string[];
  /** Signing profile, e.g. `tls` at the TLS CA. */
  profile?: string;
}

/** An enrolled certificate and its private key (PKCS#8 PEM). */
export interface Enrolled {
  cert: string;
  key: string;
}

function onlyFile(dir: string): string {
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const [first] = files;
  if (files.length !== 1 || first === undefined)
    throw new Error(`expected exactly one file in ${dir}, found ${files.length}`);
  return join(dir, first);
}

/**
 * Enrolls an identity into a scratch directory under `scratchRoot` and returns the certificate
 * and key; the scratch directory is removed afterwards.
 */
export async function enrollCertificate(
  ep: CaEndpoint,
  scratchRoot: string,
  req: EnrollRequest,
  env?: PathEnv,
): Promise<Enrolled> {
  mkdirSync(scratchRoot, { recursive: true, mode: 0o700 });
  const home = mkdtempSync(join(scratchRoot, 'enroll-'));
  try {
    const msp = join(home, 'msp');
    const args = [
      'enroll',
      '-u',
      caUrl(ep, { id: req.id, secret: req.secret }),
      '--tls.certfiles',
      ep.tlsCaCertFile,
      '-M',
      msp,
      '--csr.cn',
      req.id,
    ];
    if (req.hosts?.length) args.push('--csr.hosts', req.hosts.join(','));
    if (req.profile) args.push('--enrollment.profile', req.profile);
    try {
      await runCaClient(args, home, env);
    } catch (e) {
      throw classifyClientError(e, ep, req.id, 'enroll');
    }
    const cert = readFileSync(join(msp, 'signcerts', 'cert.pem'), 'utf8');
    const key = toPkcs8Pem(readFileSync(onlyFile(join(msp, 'keystore')), 'utf8'));
    if (!keyMatchesCert(key, cert))
      throw new Error(`enrollment of ${req.id}: key does not match certificate`);
    return { cert, key };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Enrolls a bootstrap admin into `<clientHome>/msp` (the registrar for later commands), unless a
 * certificate is already there.
 */
export async function enrollRegistrar(
  ep: CaEndpoint,
  clientHome: string,
  id: string,
  secret: string,
  env?: PathEnv,
): Promise<boolean> {
  if (existsSync(join(clientHome, 'msp', 'signcerts', 'cert.pem'))) return false;
  mkdirSync(clientHome, { recursive: true, mode: 0o700 });
  try {
    await runCaClient(
      ['enroll', '-u', caUrl(ep, { id, secret }), '--tls.certfiles', ep.tlsCaCertFile],
      clientHome,
      env,
    );
  } catch (e) {
    throw classifyClientError(e, ep, id, 'enroll');
  }
  return true;
}
