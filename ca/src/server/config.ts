/**
 * Generates fabric-ca-server-config.yaml for each CA tier. The file is complete and explicit
 * (listen address, operations address, TLS, signing profiles), so nothing depends on the server's
 * defaults — in particular the operations endpoint, whose default 127.0.0.1:9443 collides with
 * peers and orderers.
 */
import { stringify } from 'yaml';
import { caHost } from '@fabpay/topology';
import { caHosts } from '../tls-hosts';
import type { CaTier } from '../layout';

export interface ServerConfigInput {
  tier: CaTier;
  /** Organisation name, used for the CA name and certificate subject. */
  org: string;
  /** Organisation domain, e.g. org1.example.com. */
  domain: string;
  /** Its host's address (topology placement), else 127.0.0.1: it listens there and its certificates name it. */
  address: string;
  /** Where it listens instead of `address` (in a cluster `0.0.0.0`; its certificates still name `address`). */
  listenAddress?: string;
  /**
   * The CA's signing certificate, key and (intermediate) chain, when it runs with the ones issued
   * elsewhere (in a cluster, from the local CA homes); default: its home's, created on first start.
   */
  caFiles?: { cert: string; key: string; chain?: string };
  listenPort: number;
  operationsPort: number;
  /** Bootstrap admin enrollment ID and secret. */
  adminId: string;
  adminSecret: string;
  /**
   * TLS server certificate and key of this CA (issued by the org's TLS CA). Omitted for the TLS CA
   * itself, which issues its own TLS certificate from its signing key.
   */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Intermediate only: the root CA to enroll from. */
  parent?: { url: string; tlsCaCertFile: string };
  /**
   * Root only: the identity the intermediate enrolls as. Its enrollment ID becomes the
   * intermediate certificate's CN, so it is the intermediate's host name (`ica.<domain>`), and it
   * may do nothing but enroll as a CA (no registrar rights).
   */
  childCa?: { id: string; secret: string };
}

/** The CA name a tier gets, e.g. `ica-org1`. */
export function caName(tier: CaTier, org: string): string {
  const prefix = { tls: 'tlsca', root: 'rca', intermediate: 'ica' }[tier];
  return `${prefix}-${org.toLowerCase()}`;
}

export { caHost };

/** Builds the YAML text of a server configuration. */
export function serverConfigYaml(input: ServerConfigInput): string {
  const { tier } = input;
  const hosts = caHosts(tier, { name: input.org, domain: input.domain }, input.address);
  const config: Record<string, unknown> = {
    version: '1.5.21',
    port: input.listenPort,
    address: input.listenAddress ?? input.address,
    debug: false,
    crlsizelimit: 512000,
    tls: {
      enabled: true,
      // For the TLS CA a file that does not exist yet: fabric-ca-server then issues its own TLS
      // certificate for csr.hosts and writes it there.
      certfile: input.tlsCertFile ?? 'tls-cert.pem',
      keyfile: input.tlsKeyFile ?? '',
      clientauth: { type: 'noclientcert', certfiles: [] },
    },
    ca: {
      name: caName(tier, input.org),
      keyfile: input.caFiles?.key ?? '',
      certfile: input.caFiles?.cert ?? '',
      chainfile: input.caFiles?.chain ?? '',
      reenrollIgnoreCertExpiry: false,
    },
    crl: { expiry: '24h' },
    registry: {
      maxenrollments: -1,
      identities: [
        {
          name: input.adminId,
          pass: input.adminSecret,
          type: 'client',
          affiliation: '',
          attrs: {
            'hf.Registrar.Roles': '*',
            'hf.Registrar.DelegateRoles': '*',
            'hf.Revoker': true,
            'hf.IntermediateCA': true,
            'hf.GenCRL': true,
            'hf.Registrar.Attributes': '*',
            'hf.AffiliationMgr': true,
          },
        },
        ...(input.childCa
          ? [
              {
                name: input.childCa.id,
                pass: input.childCa.secret,
                type: 'client',
                affiliation: '',
                attrs: { 'hf.IntermediateCA': true },
              },
            ]
          : []),
      ],
    },
    db: { type: 'sqlite3', datasource: 'fabric-ca-server.db', tls: { enabled: false } },
    ldap: { enabled: false },
    // One affiliation per org; identities are registered into it.
    affiliations: { [input.org.toLowerCase()]: [] },
    signing: {
      default: { usage: ['digital signature'], expiry: '8760h' },
      profiles: {
        // Used by the root to sign the intermediate: a CA that may not sign further CAs (pathlen 0).
        ca: {
          usage: ['cert sign', 'crl sign'],
          expiry: '43800h',
          caconstraint: { isca: true, maxpathlen: 0, maxpathlenzero: true },
        },
        tls: {
          usage: ['signing', 'key encipherment', 'server auth', 'client auth', 'key agreement'],
          expiry: '8760h',
        },
      },
    },
    csr: {
      cn: caHost(tier, input.domain),
      keyrequest: { algo: 'ecdsa', size: 256 },
      names: [{ C: 'US', ST: 'North Carolina', L: '', O: input.org, OU: '' }],
      hosts,
      // The root may sign one level of CA below it (the intermediate); the TLS CA signs none.
      ca: { expiry: '131400h', pathlength: tier === 'root' ? 1 : 0 },
    },
    bccsp: { default: 'SW', sw: { hash: 'SHA2', security: 256, filekeystore: { keystore: 'msp/keystore' } } },
    cfg: { identities: { passwordattempts: 10 } },
    operations: {
      listenAddress: `${input.listenAddress ?? input.address}:${input.operationsPort}`,
      // Health checks stay on loopback in plain HTTP; the CA API itself is TLS-only.
      tls: { enabled: false },
    },
    metrics: { provider: 'disabled' },
  };
  if (input.parent) {
    config.intermediate = {
      parentserver: { url: input.parent.url, caname: '' },
      enrollment: { hosts: hosts.join(','), profile: 'ca', label: '' },
      tls: { certfiles: [input.parent.tlsCaCertFile], client: { certfile: '', keyfile: '' } },
    };
    // fabric-ca-server refuses a CN for an intermediate: the subject comes from its enrollment at
    // the root (as the root's `childCa` identity, CN=ica.<domain>). The root's `ca` profile caps
    // pathlen at 0.
    const csr = config.csr as Record<string, unknown>;
    csr.cn = '';
    csr.ca = { expiry: '131400h', pathlength: 0 };
  }
  return `# Generated by fabpay-ca; do not edit (regenerated on every start).\n${stringify(config)}`;
}
