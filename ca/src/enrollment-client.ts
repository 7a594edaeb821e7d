/**
 * The programmatic CA API for backend services, built on the npm `fabric-ca-client` package:
 * register, enroll, reenroll and revoke users, keeping their certificates and keys in a
 * {@link FileIdentityStore} (fabric-network wallet format, mode 0600).
 *
 * ```ts
 * const ca = enrollmentClientForOrg(topology, 'Org1');
 * const { secret } = await ca.register({ id: 'erin', attributes: { 'payments.role': 'issuer' } });
 * await ca.enroll('erin', secret!);          // stored as wallets/Org1/erin.id
 * await ca.reenroll('erin');                 // new certificate and key, same label
 * await ca.revoke({ id: 'erin' });           // CRL placed in the org MSP's crls/
 * ```
 */
import type FabricCAServices from 'fabric-ca-client';
import type { User } from 'fabric-common';
import { planPorts, walletDir, type PathEnv, type Topology, findOrganization } from '@fabpay/topology';
import { authorityKeyIdHex, crlSerials, isExpired, notAfter, serialHex } from './certs';

export { crlSerials } from './certs';

/**
 * Loads fabric-ca-client and fabric-common on first use. fabric-common reads its configuration
 * with `nconf.argv()` when it is loaded, which parses this process's command line with yargs and
 * answers `--help` and `--version` itself (printing yargs' help and exiting); loading it only
 * when a CA request is made keeps the fabpay CLIs' own `--help` working.
 */
function caLibraries(): { FabricCAServices: typeof FabricCAServices; User: typeof User } {
  /* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy load, see above */
  const services = require('fabric-ca-client') as typeof FabricCAServices;
  const { User: user } = require('fabric-common') as { User: typeof User };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { FabricCAServices: services, User: user };
}
import {
  CaError,
  CaNotRunningError,
  CaRequestError,
  CertificateExpiredError,
  CertificateRevokedError,
  IdentityNotFoundError,
  NotSetUpError,
  RegistrationMismatchError,
  WrongSecretError,
} from './errors';
import type { IdentityType } from './enroll/identities';
import { FileIdentityStore, walletIdentity, type WalletIdentity } from './identity-store';
import { orgPaths } from './layout';
import { writeCrl } from './msp/build';
import { existsSync, readFileSync } from 'node:fs';

export interface EnrollmentClientOptions {
  /** CA URL, e.g. `https://127.0.0.1:7104` (the organisation's intermediate CA). */
  url: string;
  /** PEM of the TLS CA that issued the CA server's TLS certificate. */
  tlsCaCert: string;
  mspId: string;
  /** Where enrolled identities are kept. */
  store: FileIdentityStore;
  /** Identity allowed to register and revoke (hf.Registrar.*, hf.Revoker); needed only for those. */
  registrar?: WalletIdentity;
  /** Name used in messages (default: the URL). */
  label?: string;
  caName?: string;
  /** MSP directories whose `crls/` receive the CRL after a revocation. */
  crlMspDirs?: string[];
}

export interface RegisterRequest {
  /** Enrollment ID. */
  id: string;
  /** Secret to register with; a random one is generated when omitted. */
  secret?: string;
  type?: IdentityType;
  /** Attributes registered `:ecert` (they land in the enrollment certificate). */
  attributes?: Record<string, string>;
  /** Default -1 (unlimited). */
  maxEnrollments?: number;
  affiliation?: string;
}

export interface RegisterResult {
  /** The secret, when this call registered the identity (undefined when it already existed). */
  secret?: string;
  /** True when a matching registration already existed. */
  existed: boolean;
}

export interface RevokeRequest {
  /** Revoke every certificate of this enrollment ID. */
  id?: string;
  /** Or revoke only the certificate stored under this label. */
  label?: string;
  /** RFC 5280 reason, e.g. `keycompromise`, `superseded` (default `unspecified`). */
  reason?: string;
}

export interface RevokeResult {
  /** Serial numbers (lower-case hex) of the revoked certificates. */
  serials: string[];
  /** The CRL (PEM) generated after the revocation. */
  crl: string;
}

/** The error shape fabric-ca-client rejects with. */
interface CaClientFailure {
  message?: string;
  code?: string;
  errors?: { code: number; message: string }[];
}

function failureOf(e: unknown): CaClientFailure {
  return typeof e === 'object' && e !== null ? (e as CaClientFailure) : { message: String(e) };
}

/** First fabric-ca error code of a failure, if the server answered. */
function serverCode(e: unknown): number | undefined {
  return failureOf(e).errors?.[0]?.code;
}

function isConnectionFailure(e: unknown): boolean {
  const f = failureOf(e);
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND'].includes(f.code ?? '') ||
    /ECONNREFUSED|CONNECTION Timeout/.test(f.message ?? '')
  );
}

function serverMessage(e: unknown): string {
  const f = failureOf(e);
  return f.errors?.map((x) => `${x.code}: ${x.message}`).join('; ') || f.message || String(e);
}

function toPem(crl: string): string {
  const text = Buffer.from(crl, 'base64').toString('utf8');
  if (text.includes('BEGIN X509 CRL')) return text.endsWith('\n') ? text : `${text}\n`;
  const b64 = Buffer.from(crl, 'base64')
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN X509 CRL-----\n${b64.trimEnd()}\n-----END X509 CRL-----\n`;
}

/** Register, enroll, reenroll and revoke through one CA, with identities kept in a file store. */
export class EnrollmentClient {
  private readonly ca: FabricCAServices;
  private readonly label: string;

  constructor(private readonly opts: EnrollmentClientOptions) {
    this.ca = new (caLibraries().FabricCAServices)(
      opts.url,
      { trustedRoots: [opts.tlsCaCert], verify: true },
      opts.caName ?? '',
    );
    this.label = opts.label ?? opts.url;
  }

  /** The identity store this client writes to. */
  get store(): FileIdentityStore {
    return this.opts.store;
  }

  private registrarUser(): User {
    const r = this.opts.registrar;
    if (!r) throw new CaError('NOT_SET_UP', `no registrar identity configured for ${this.label}`);
    return caLibraries().User.createUser(
      'registrar',
      '',
      r.mspId,
      r.credentials.certificate,
      r.credentials.privateKey,
    );
  }

  private fail(e: unknown, action: string, subject: string): Error {
    if (e instanceof CaError) return e;
    if (isConnectionFailure(e)) return new CaNotRunningError(this.label, this.opts.url, { cause: e });
    return new CaRequestError(`${this.label}: ${action} "${subject}" failed: ${serverMessage(e)}`, {
      cause: e,
    });
  }

  /**
   * Registers an identity. When it is already registered with the same type and `:ecert`
   * attributes this succeeds with `existed: true`; with different ones it throws
   * RegistrationMismatchError.
   */
  async register(req: RegisterRequest): Promise<RegisterResult> {
    const registrar = this.registrarUser();
    const type = req.type ?? 'client';
    const attrs = Object.entries(req.attributes ?? {}).map(([name, value]) => ({ name, value, ecert: true }));
    try {
      const secret = await this.ca.register(
        {
          enrollmentID: req.id,
          ...(req.secret ? { enrollmentSecret: req.secret } : {}),
          role: type,
          affiliation: req.affiliation ?? '',
          maxEnrollments: req.maxEnrollments ?? -1,
          attrs,
        },
        registrar,
      );
      return { secret, existed: false };
    } catch (e) {
      // 74: already registered. Accept it when the registration matches what was asked.
      if (serverCode(e) !== 74) throw this.fail(e, 'register', req.id);
    }
    let found: { type: string; attrs: { name: string; value: string; ecert?: boolean }[] };
    try {
      const resp = await this.ca.newIdentityService().getOne(req.id, registrar);
      found = resp.result as typeof found;
    } catch (e) {
      throw this.fail(e, 'look up', req.id);
    }
    const diffs: string[] = [];
    if (found.type !== type) diffs.push(`type is ${found.type}, wanted ${type}`);
    for (const a of attrs) {
      const have = found.attrs.find((x) => x.name === a.name);
      if (!have || have.value !== a.value || !have.ecert) {
        diffs.push(
          `attribute ${a.name} is ${have ? JSON.stringify(have.value) : 'missing'}, wanted ${JSON.stringify(a.value)}:ecert`,
        );
      }
    }
    if (diffs.length > 0) throw new RegistrationMismatchError(req.id, diffs);
    return { existed: true };
  }

  /**
   * Enrolls with an enrollment secret and stores the identity under `label` (default: the ID).
   * @throws WrongSecretError when the CA refuses the secret.
   */
  async enroll(id: string, secret: string, opts: { label?: string } = {}): Promise<WalletIdentity> {
    let resp: FabricCAServices.IEnrollResponse;
    try {
      resp = await this.ca.enroll({ enrollmentID: id, enrollmentSecret: secret });
    } catch (e) {
      if (serverCode(e) === 20) throw new WrongSecretError(id, this.label, { cause: e });
      throw this.fail(e, 'enroll', id);
    }
    const identity = walletIdentity(this.opts.mspId, resp.certificate, resp.key.toBytes());
    this.opts.store.put(opts.label ?? id, identity);
    return identity;
  }

  /**
   * Re-enrolls the identity stored under `label` with its current certificate, and stores the new
   * certificate and key under the same label.
   * @throws CertificateExpiredError when the current certificate has expired (enroll again instead).
   * @throws CertificateRevokedError when the CA refuses it because it was revoked.
   */
  async reenroll(label: string): Promise<WalletIdentity> {
    const current = this.opts.store.require(label);
    const cert = current.credentials.certificate;
    if (isExpired(cert)) throw new CertificateExpiredError(label, notAfter(cert));
    const user = caLibraries().User.createUser(
      label,
      '',
      current.mspId,
      cert,
      current.credentials.privateKey,
    );
    let resp: FabricCAServices.IEnrollResponse;
    try {
      // No attribute requests: the CA then includes every `:ecert` attribute, as at enroll. The
      // typings mark the parameter required, but the library only sends it when given.
      resp = await this.ca.reenroll(user, undefined as unknown as FabricCAServices.IAttributeRequest[]);
    } catch (e) {
      if (serverCode(e) === 20) {
        // fabric-ca answers "Authentication failure" for revoked certificates; confirm with the CRL when we can.
        const revoked = this.opts.registrar
          ? (await this.generateCrl().then(crlSerials)).includes(serialHex(cert))
          : true;
        if (revoked) throw new CertificateRevokedError(label, 'the CA refused to re-enroll it', { cause: e });
      }
      throw this.fail(e, 'reenroll', label);
    }
    const identity = walletIdentity(current.mspId, resp.certificate, resp.key.toBytes());
    this.opts.store.put(label, identity);
    return identity;
  }

  /**
   * Revokes an identity (every certificate of `id`) or one stored certificate (`label`), then
   * generates a CRL and places it in the configured MSPs' `crls/`.
   */
  async revoke(req: RevokeRequest): Promise<RevokeResult> {
    const registrar = this.registrarUser();
    let request: FabricCAServices.IRevokeRequest & { gencrl: boolean };
    let subject: string;
    if (req.label) {
      const cert = this.opts.store.require(req.label).credentials.certificate;
      request = { enrollmentID: '', serial: serialHex(cert), aki: authorityKeyIdHex(cert), gencrl: true };
      subject = req.label;
    } else if (req.id) {
      request = { enrollmentID: req.id, gencrl: true };
      subject = req.id;
    } else {
      throw new Error('revoke needs an id or a label');
    }
    request.reason = req.reason ?? 'unspecified';
    let resp: { result?: { RevokedCerts?: { Serial: string }[]; CRL?: string } };
    try {
      resp = (await this.ca.revoke(request, registrar)) as typeof resp;
    } catch (e) {
      if (serverCode(e) === 63 || /not found|does not exist/i.test(serverMessage(e))) {
        throw new IdentityNotFoundError(
          `${this.label}: no identity "${subject}" to revoke (${serverMessage(e)})`,
        );
      }
      throw this.fail(e, 'revoke', subject);
    }
    const serials = (resp.result?.RevokedCerts ?? []).map((c) =>
      c.Serial.toLowerCase().replace(/^0+(?=.)/, ''),
    );
    const crl = resp.result?.CRL ? toPem(resp.result.CRL) : await this.generateCrl();
    for (const msp of this.opts.crlMspDirs ?? []) writeCrl(msp, crl);
    return { serials, crl };
  }

  /** Generates the CA's current CRL (PEM). */
  async generateCrl(): Promise<string> {
    const registrar = this.registrarUser();
    try {
      const resp = (await this.ca.generateCRL({}, registrar)) as string;
      return toPem(resp);
    } catch (e) {
      throw this.fail(e, 'generate CRL', 'crl');
    }
  }
}

/**
 * An EnrollmentClient for a topology organisation's intermediate CA, set up by setupOrganizations:
 * identities go to `<run>/wallets/<org>/` (unless `store` is given), the registrar is the
 * intermediate CA's bootstrap admin, and CRLs go to the org's channel MSP `crls/`.
 */
export function enrollmentClientForOrg(
  topology: Topology,
  org: string,
  opts: { env?: PathEnv; store?: FileIdentityStore } = {},
): EnrollmentClient {
  const info = findOrganization(topology, org);
  if (!info) throw new IdentityNotFoundError(`no organisation "${org}" in the topology`);
  const p = orgPaths(info, opts.env);
  if (!existsSync(p.tlsCaCert)) throw new NotSetUpError(`the ${info.name} CAs (${p.dir})`);
  const ports = planPorts(topology).orgs.find((o) => o.org === info.name)?.cas.intermediate;
  if (!ports) throw new Error(`port plan has no CA ports for ${info.name}`);
  const registrar = new FileIdentityStore(p.registrarStore).get('registrar');
  return new EnrollmentClient({
    url: `https://127.0.0.1:${ports.listen}`,
    tlsCaCert: readFileSync(p.tlsCaCert, 'utf8'),
    mspId: info.mspId,
    store: opts.store ?? new FileIdentityStore(walletDir(info.name, opts.env)),
    ...(registrar ? { registrar } : {}),
    label: `${info.name} intermediate CA`,
    crlMspDirs: [p.channelMsp],
  });
}
