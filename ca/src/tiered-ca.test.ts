/**
 * Against real fabric-ca-server processes: a temporary FABPAY_HOME, a free port base, and every
 * process stopped in afterAll.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { findOrganization, planPorts, type PathEnv, type Topology } from '@fabpay/topology';
import {
  basicConstraints,
  certAttributes,
  issuedBy,
  keyMatchesCert,
  organizationalUnits,
  parseCert,
  serialHex,
  subjectAltNames,
} from './certs';
import { EnrollmentClient, crlSerials, enrollmentClientForOrg } from './enrollment-client';
import {
  CaNotRunningError,
  CertificateExpiredError,
  CertificateRevokedError,
  RegistrationMismatchError,
  WrongSecretError,
} from './errors';
import { FileIdentityStore } from './identity-store';
import { paths, type OrgPaths } from './layout';
import { reenrollIdentity, revokeIdentity, listRegistered } from './operations';
import { probeHealthz } from './server/health';
import { caStatus, endpoint, orgContexts, startCAs, stopCAs } from './server/cas';
import { enrollCertificate } from './enroll/identities';
import { orgCaCerts, setupOrganizations, type SetupResult } from './setup';
import { temporaryEnv, topologyOnFreePorts, portFree } from './testing/environment';

let env: PathEnv;
let topology: Topology;
let first: SetupResult;

const read = (f: string): string => readFileSync(f, 'utf8');

/** Every file under a directory, with its SHA-256, for "nothing changed" checks. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) walk(f);
      else out.set(f, `${createHash('sha256').update(readFileSync(f)).digest('hex')} ${statSync(f).mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/** Every `cacerts` directory below `dir`. */
function cacertsDirs(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const f = join(d, e.name);
      if (e.name === 'cacerts') found.push(f);
      else walk(f);
    }
  };
  walk(dir);
  return found;
}

function org1(): OrgPaths {
  return paths(topology, env).org('Org1');
}

beforeAll(async () => {
  env = temporaryEnv();
  topology = await topologyOnFreePorts({
    ordererOrg: { orderers: 1 },
    orgs: [
      {
        name: 'Org1',
        mspId: 'Org1MSP',
        peers: 1,
        users: [{ name: 'alice', attributes: { 'payments.role': 'issuer' } }, { name: 'bob' }],
      },
    ],
  });
  first = await setupOrganizations(topology, { env });
});

afterAll(async () => {
  if (topology) await stopCAs(topology, { env });
  // Nothing may be left running.
  expect(caStatus(topology, { env }).filter((s) => s.running)).toEqual([]);
  rmSync(env.FABPAY_HOME!, { recursive: true, force: true });
});

describe('setup', () => {
  it('issues every enrollment certificate from the intermediate, which chains to the root', () => {
    for (const o of first.orgs) {
      const cas = orgCaCerts(o.paths);
      expect(issuedBy(cas.intermediate, cas.root)).toBe(true);
      expect(issuedBy(cas.root, cas.root)).toBe(true);
      const msps = [
        ...o.paths.nodes.map((n) => n.msp),
        o.paths.admin.msp,
        ...o.paths.users.map((u) => u.msp),
      ];
      expect(msps.length).toBeGreaterThanOrEqual(2);
      for (const msp of msps) {
        const cert = read(join(msp, 'signcerts', 'cert.pem'));
        expect(issuedBy(cert, cas.intermediate)).toBe(true);
        expect(issuedBy(cert, cas.root)).toBe(false);
        expect(keyMatchesCert(read(join(msp, 'keystore', 'priv_sk')), cert)).toBe(true);
      }
    }
  });

  it('makes the intermediate a CA with path length 0, named after its host (CN=ica.<domain>, O=<org>)', () => {
    for (const o of first.orgs) {
      const { intermediate, root } = orgCaCerts(o.paths);
      expect(basicConstraints(intermediate)).toEqual({ ca: true, pathLength: 0 });
      const subject = new x509.X509Certificate(intermediate).subjectName;
      const domain = findOrganization(topology, o.org)!.domain;
      expect(subject.getField('CN')).toEqual([`ica.${domain}`]);
      expect(subject.getField('O')).toEqual([o.org]);
      expect(basicConstraints(root).ca).toBe(true);
    }
  });

  it('gives each node a TLS certificate from the TLS CA only, covering its host, its Kubernetes Service names, localhost and 127.0.0.1', () => {
    for (const o of first.orgs) {
      const cas = orgCaCerts(o.paths);
      for (const n of o.paths.nodes) {
        const cert = read(join(n.tls, 'server.crt'));
        expect(read(join(n.tls, 'ca.crt'))).toBe(cas.tls);
        expect(issuedBy(cert, cas.tls)).toBe(true);
        expect(issuedBy(cert, cas.intermediate)).toBe(false);
        expect(issuedBy(cert, cas.root)).toBe(false);
        expect(keyMatchesCert(read(join(n.tls, 'server.key')), cert)).toBe(true);
        const [name, org] = n.host.split('.');
        const service = n.kind === 'peer' ? [`${name}-${org}`, `${name}-${org}-chaincode`] : [name];
        expect(subjectAltNames(cert)).toEqual({ dns: [n.host, ...service, 'localhost'], ip: ['127.0.0.1'] });
        expect(statSync(join(n.tls, 'server.key')).mode & 0o777).toBe(0o600);
      }
      // The org admin's TLS client certificate comes from the TLS CA too.
      const adminTls = read(join(o.paths.adminTls, 'client.crt'));
      expect(issuedBy(adminTls, cas.tls)).toBe(true);
      expect(keyMatchesCert(read(join(o.paths.adminTls, 'client.key')), adminTls)).toBe(true);
    }
  });

  it('never puts a TLS root into cacerts/: every cacerts holds exactly the root CA', () => {
    for (const o of first.orgs) {
      const cas = orgCaCerts(o.paths);
      const dirs = cacertsDirs(o.paths.dir).filter(
        (d) => !d.includes(`${o.paths.dir}/clients/`) && !d.includes('/servers/'),
      );
      expect(dirs.length).toBe(1 + o.paths.nodes.length + 1 + o.paths.users.length);
      for (const d of dirs) {
        expect(readdirSync(d)).toEqual(['ca.pem']);
        expect(read(join(d, 'ca.pem'))).toBe(cas.root);
        expect(read(join(d, 'ca.pem'))).not.toBe(cas.tls);
      }
    }
  });

  it('writes MSPs Fabric accepts: NodeOUs without a root certifier, the right OU per identity', () => {
    const o = org1();
    const cas = orgCaCerts(o);
    for (const msp of [o.channelMsp, o.adminMsp, ...o.nodes.map((n) => n.msp)]) {
      const config = read(join(msp, 'config.yaml'));
      expect(config).toContain('Enable: true');
      expect(config).not.toContain('Certificate:');
      expect(read(join(msp, 'intermediatecerts', 'ca.pem'))).toBe(cas.intermediate);
      expect(read(join(msp, 'tlscacerts', 'ca.pem'))).toBe(cas.tls);
    }
    expect(existsSync(join(o.channelMsp, 'signcerts'))).toBe(false);
    expect(existsSync(join(o.channelMsp, 'admincerts'))).toBe(false);
    expect(organizationalUnits(read(join(o.adminMsp, 'signcerts', 'cert.pem')))).toContain('admin');
    expect(organizationalUnits(read(join(o.nodes[0]!.msp, 'signcerts', 'cert.pem')))).toContain('peer');
    expect(organizationalUnits(read(join(o.users[0]!.msp, 'signcerts', 'cert.pem')))).toContain('client');
    const orderer = paths(topology, env).node('orderer0.example.com');
    expect(organizationalUnits(read(join(orderer.msp, 'signcerts', 'cert.pem')))).toContain('orderer');
  });

  it('puts an attribute registered :ecert into the certificate extension 1.2.3.4.5.6.7.8.1', () => {
    const o = org1();
    const alice = read(join(o.users.find((u) => u.enrollmentId === 'alice')!.msp, 'signcerts', 'cert.pem'));
    expect(certAttributes(alice)).toMatchObject({ 'payments.role': 'issuer', 'hf.EnrollmentID': 'alice' });
    const bob = read(join(o.users.find((u) => u.enrollmentId === 'bob')!.msp, 'signcerts', 'cert.pem'));
    expect(certAttributes(bob)['payments.role']).toBeUndefined();
  });

  it('writes wallet identities (0600, fabric-network X.509 format, PKCS#8 key) for the admin and every user', () => {
    const o = org1();
    expect(new FileIdentityStore(o.walletDir).list()).toEqual(['admin', 'alice', 'bob']);
    for (const label of ['admin', 'alice', 'bob']) {
      const file = join(o.walletDir, `${label}.id`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const id = JSON.parse(read(file)) as {
        version: number;
        type: string;
        mspId: string;
        credentials: Record<string, string>;
      };
      expect(Object.keys(id).sort()).toEqual(['credentials', 'mspId', 'type', 'version']);
      expect([id.version, id.type, id.mspId]).toEqual([1, 'X.509', 'Org1MSP']);
      expect(id.credentials.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(keyMatchesCert(id.credentials.privateKey!, id.credentials.certificate!)).toBe(true);
    }
    expect(statSync(o.walletDir).mode & 0o777).toBe(0o700);
  });

  it('keeps bootstrap secrets owner-only and runs each CA with its own operations port', async () => {
    const o = org1();
    expect(statSync(o.secrets).mode & 0o777).toBe(0o600);
    expect(statSync(o.servers.intermediate.config).mode & 0o777).toBe(0o600);
    // The intermediate's log repeats its config, with its enrollment secret at the root in the parent URL.
    expect(statSync(o.servers.intermediate.logFile).mode & 0o777).toBe(0o600);
    expect(statSync(o.servers.intermediate.home).mode & 0o777).toBe(0o700);
    const ports = planPorts(topology).orgs.find((p) => p.org === 'Org1')!.cas;
    expect(read(o.servers.tls.config)).toContain(`listenAddress: 127.0.0.1:${ports.tls.operations}`);
    expect(await probeHealthz(ports.tls.operations)).toEqual({ ok: true });
    expect(await probeHealthz(ports.intermediate.operations)).toEqual({ ok: true });
  });

  it('leaves the root CA offline once the intermediate exists', async () => {
    const status = caStatus(topology, { env });
    expect(status.filter((s) => s.tier === 'root').map((s) => s.running)).toEqual([false, false]);
    expect(status.filter((s) => s.tier !== 'root').every((s) => s.running)).toBe(true);
    const rootPort = planPorts(topology).orgs.find((p) => p.org === 'Org1')!.cas.root.listen;
    expect(await portFree(rootPort)).toBe(true);
  });

  it('gives the root and intermediate CA servers TLS certificates naming their host and Kubernetes Service', () => {
    for (const tier of ['root', 'intermediate'] as const) {
      const cert = read(org1().servers[tier].tlsCert);
      const prefix = tier === 'root' ? 'rca' : 'ica';
      expect(subjectAltNames(cert)).toEqual({
        dns: [`${prefix}.org1.example.com`, `org1-${tier}-ca`, 'localhost'],
        ip: ['127.0.0.1'],
      });
    }
  });

  it('a second run gives the same identities, changes no file and fails on nothing', async () => {
    const before = snapshot(join(env.FABPAY_HOME!, 'run', 'wallets'));
    const mspsBefore = snapshot(join(org1().dir, 'peers'));
    const again = await setupOrganizations(topology, { env });
    expect(again.orgs.map((o) => [o.org, o.enrolled, o.walletsWritten])).toEqual([
      ['OrdererOrg', [], []],
      ['Org1', [], []],
    ]);
    expect(snapshot(join(env.FABPAY_HOME!, 'run', 'wallets'))).toEqual(before);
    expect(snapshot(join(org1().dir, 'peers'))).toEqual(mspsBefore);
    const registered = await listRegistered(topology, 'Org1', { env });
    expect(registered.map((r) => r.id).sort()).toEqual([
      'Admin@org1.example.com',
      'admin',
      'alice',
      'bob',
      'peer0.org1.example.com',
    ]);
  });
});

describe('TLS certificates issued for fewer hosts (before the Kubernetes Service names)', () => {
  /** The certificate a TLS server presents on 127.0.0.1:port, as PEM. */
  function servedCert(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const der = socket.getPeerCertificate().raw;
        socket.end();
        resolve(new x509.X509Certificate(der).toString('pem'));
      });
      socket.on('error', reject);
    });
  }

  it('re-issues them once, restarts a CA server serving one, and then changes nothing', async () => {
    const [ctx] = orgContexts(topology, { env, orgs: ['Org1'] });
    const p = ctx!.paths;
    const oldHosts = (host: string): string[] => [host, 'localhost', '127.0.0.1'];
    const reissue = async (id: string, cert: string, key: string): Promise<void> => {
      const secret = ctx!.secrets.identity('tls', id)!;
      const old = await enrollCertificate(
        endpoint(ctx!, 'tls'),
        p.scratch,
        { id, secret, hosts: oldHosts(id), profile: 'tls' },
        env,
      );
      writeFileSync(cert, old.cert);
      writeFileSync(key, old.key, { mode: 0o600 });
    };
    const node = p.nodes[0]!;
    await reissue(node.host, join(node.tls, 'server.crt'), join(node.tls, 'server.key'));
    const ica = p.servers.intermediate;
    await reissue('ica.org1.example.com', ica.tlsCert, ica.tlsKey);
    const icaPort = planPorts(topology).orgs.find((o) => o.org === 'Org1')!.cas.intermediate.listen;
    // Still serving the certificate it was started with, not the one now in its file.
    const servedBefore = await servedCert(icaPort);
    expect(servedBefore.trim()).not.toBe(read(ica.tlsCert).trim());

    const lines: string[] = [];
    const fixed = await setupOrganizations(topology, {
      env,
      orgs: ['Org1'],
      onProgress: (l) => lines.push(l),
    });
    expect(fixed.orgs[0]!.enrolled).toEqual([`${node.host} (TLS)`]);
    expect(lines.join('\n')).toMatch(/TLS certificate hosts differ/);
    expect(subjectAltNames(read(join(node.tls, 'server.crt'))).dns).toContain('peer0-org1-chaincode');
    expect(subjectAltNames(read(ica.tlsCert)).dns).toContain('org1-intermediate-ca');
    // The running intermediate was restarted: it serves the new certificate.
    expect((await servedCert(icaPort)).trim()).toBe(read(ica.tlsCert).trim());

    const files = snapshot(p.dir);
    const again = await setupOrganizations(topology, { env, orgs: ['Org1'] });
    expect(again.orgs[0]!.enrolled).toEqual([]);
    const after = snapshot(p.dir);
    // Process bookkeeping (logs, PID records, the CA databases) aside, no file changes.
    const changed = [...after].filter(
      ([f, h]) => files.get(f) !== h && !/server\.log$|server\.pid|\.db$/.test(f),
    );
    expect(changed.map(([f]) => f)).toEqual([]);
  });
});

describe('with the root CA stopped', () => {
  it('registers and enrolls a new user through the intermediate (npm fabric-ca-client API)', async () => {
    expect(caStatus(topology, { env }).find((s) => s.org === 'Org1' && s.tier === 'root')?.running).toBe(
      false,
    );
    const ca = enrollmentClientForOrg(topology, 'Org1', { env });
    const reg = await ca.register({ id: 'erin', attributes: { 'payments.role': 'compliance' } });
    expect(reg.existed).toBe(false);
    const id = await ca.enroll('erin', reg.secret!);
    const cas = orgCaCerts(org1());
    expect(issuedBy(id.credentials.certificate, cas.intermediate)).toBe(true);
    expect(certAttributes(id.credentials.certificate)['payments.role']).toBe('compliance');
    expect(statSync(ca.store.file('erin')).mode & 0o777).toBe(0o600);
    expect(ca.store.get('erin')).toEqual(id);
  });
});

describe('enrollment API', () => {
  let ca: EnrollmentClient;
  beforeAll(() => {
    ca = enrollmentClientForOrg(topology, 'Org1', { env });
  });

  it('treats a matching registration as success and a different one as an error', async () => {
    await ca.register({ id: 'frank', secret: 'frank-secret', attributes: { 'payments.role': 'issuer' } });
    await expect(ca.register({ id: 'frank', attributes: { 'payments.role': 'issuer' } })).resolves.toEqual({
      existed: true,
    });
    await expect(ca.register({ id: 'frank', attributes: { 'payments.role': 'payer' } })).rejects.toThrow(
      RegistrationMismatchError,
    );
    await expect(
      ca.register({ id: 'frank', type: 'peer', attributes: { 'payments.role': 'issuer' } }),
    ).rejects.toThrow(/"frank" is already registered with different settings: type is client, wanted peer/);
  });

  it('refuses a wrong secret with a clear error', async () => {
    await expect(ca.enroll('frank', 'not-the-secret')).rejects.toThrow(WrongSecretError);
    await expect(ca.enroll('frank', 'not-the-secret')).rejects.toThrow(
      /refused to enroll "frank": wrong secret/,
    );
  });

  it('reenroll yields a new valid certificate that keeps its attributes', async () => {
    const before = await ca.enroll('frank', 'frank-secret');
    const after = await ca.reenroll('frank');
    expect(serialHex(after.credentials.certificate)).not.toBe(serialHex(before.credentials.certificate));
    expect(after.credentials.privateKey).not.toBe(before.credentials.privateKey);
    expect(issuedBy(after.credentials.certificate, orgCaCerts(org1()).intermediate)).toBe(true);
    expect(new Date(parseCert(after.credentials.certificate).validTo).getTime()).toBeGreaterThan(Date.now());
    expect(certAttributes(after.credentials.certificate)['payments.role']).toBe('issuer');
    expect(ca.store.get('frank')).toEqual(after);
  });

  it('revoke puts the serial number in the CRL, which lands in the org MSP crls/', async () => {
    const serial = serialHex(ca.store.require('frank').credentials.certificate);
    const r = await ca.revoke({ label: 'frank', reason: 'keycompromise' });
    expect(r.serials).toEqual([serial]);
    expect(crlSerials(r.crl)).toContain(serial);
    expect(crlSerials(read(join(org1().channelMsp, 'crls', 'crl.pem')))).toContain(serial);
  });

  it('reports a revoked certificate clearly on reenroll', async () => {
    await expect(ca.reenroll('frank')).rejects.toThrow(CertificateRevokedError);
  });

  it('reports an expired certificate clearly, before asking the CA', async () => {
    // Node's webcrypto is the Web Crypto API; the DOM lib types are not in this project's lib.
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=old',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
      keys: keys as unknown as x509.X509CertificateCreateSelfSignedParams['keys'],
      signingAlgorithm: alg,
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
    ca.store.put('old', {
      version: 1,
      type: 'X.509',
      mspId: 'Org1MSP',
      credentials: { certificate: cert.toString('pem'), privateKey: keyPem },
    });
    await expect(ca.reenroll('old')).rejects.toThrow(CertificateExpiredError);
    await expect(ca.reenroll('old')).rejects.toThrow(/expired on 2021-01-01T00:00:00.000Z; enroll again/);
  });

  it('says which CA is not running', async () => {
    const rootPort = planPorts(topology).orgs.find((p) => p.org === 'Org1')!.cas.root.listen;
    const offline = new EnrollmentClient({
      url: `https://127.0.0.1:${rootPort}`,
      tlsCaCert: read(org1().tlsCaCert),
      mspId: 'Org1MSP',
      store: new FileIdentityStore(join(env.FABPAY_HOME!, 'scratch-store')),
      label: 'Org1 root CA',
    });
    await expect(offline.enroll('x', 'y')).rejects.toThrow(CaNotRunningError);
    await expect(offline.enroll('x', 'y')).rejects.toThrow(
      `Org1 root CA is not running (nothing answers at https://127.0.0.1:${rootPort})`,
    );
  });
});

describe('operator operations', () => {
  it('reenrolls a node: new certificate and key in its MSP, still valid and a peer', async () => {
    const node = paths(topology, env).node('peer0.org1.example.com');
    const before = read(join(node.msp, 'signcerts', 'cert.pem'));
    const r = await reenrollIdentity(topology, 'Org1', 'peer0', { env });
    const after = read(join(node.msp, 'signcerts', 'cert.pem'));
    expect(after).toBe(r.certificate);
    expect(serialHex(after)).not.toBe(serialHex(before));
    expect(issuedBy(after, orgCaCerts(org1()).intermediate)).toBe(true);
    expect(keyMatchesCert(read(join(node.msp, 'keystore', 'priv_sk')), after)).toBe(true);
    expect(readdirSync(join(node.msp, 'keystore'))).toEqual(['priv_sk']);
    expect(organizationalUnits(after)).toContain('peer');
  });

  it('revokes a topology user: its serial is in the CRL placed in the org MSP crls/', async () => {
    const bob = org1().users.find((u) => u.enrollmentId === 'bob')!;
    const serial = serialHex(read(join(bob.msp, 'signcerts', 'cert.pem')));
    const r = await revokeIdentity(topology, 'Org1', 'bob', { env, reason: 'superseded' });
    expect(r.serials).toContain(serial);
    expect(r.placedIn).toContain(org1().channelMsp);
    expect(crlSerials(read(join(org1().channelMsp, 'crls', 'crl.pem')))).toContain(serial);
    // The CRL is issued by the intermediate, which Fabric requires of a CRL in the MSP.
    const crl = new x509.X509Crl(read(join(org1().channelMsp, 'crls', 'crl.pem')));
    expect(crl.issuer).toBe(new x509.X509Certificate(orgCaCerts(org1()).intermediate).subject);
    // Setup does not fail on the revoked user, and says so.
    const lines: string[] = [];
    const again = await setupOrganizations(topology, {
      env,
      orgs: ['Org1'],
      onProgress: (l) => lines.push(l),
    });
    expect(again.orgs[0]?.enrolled).toEqual([]);
    expect(lines).toContain(
      `Org1: warning: the certificate of bob is revoked (serial ${serial}); register a new identity or remove it from the topology`,
    );
  });
});

describe('stop and start', () => {
  it('stop leaves nothing running and frees every port; start brings TLS and intermediate back', async () => {
    const stopped = await stopCAs(topology, { env });
    expect(stopped.length).toBe(4);
    expect(caStatus(topology, { env }).some((s) => s.running)).toBe(false);
    const caPorts = planPorts(topology).orgs.flatMap((o) => [o.cas.tls, o.cas.root, o.cas.intermediate]);
    for (const p of caPorts) {
      expect(await portFree(p.listen)).toBe(true);
      expect(await portFree(p.operations)).toBe(true);
    }
    const status = await startCAs(topology, { env });
    expect(status.map((s) => `${s.org}/${s.tier}:${s.running}`)).toEqual([
      'OrdererOrg/tls:true',
      'OrdererOrg/root:false',
      'OrdererOrg/intermediate:true',
      'Org1/tls:true',
      'Org1/root:false',
      'Org1/intermediate:true',
    ]);
    // After a restart the identities are still valid: setup changes nothing.
    const again = await setupOrganizations(topology, { env });
    expect(again.orgs.flatMap((o) => o.enrolled)).toEqual([]);
  });
});

describe('CLI', () => {
  it('rejects an invalid topology naming the field, with exit code 2', async () => {
    const file = join(env.FABPAY_HOME!, 'bad.yaml');
    writeFileSync(file, 'orgs:\n  - { name: Org1, mspId: Org1MSP, peers: two }\n');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [require.resolve('tsx/cli'), join(__dirname, 'cli.ts'), '-t', file, 'status'],
        { env: { ...process.env, FABPAY_HOME: env.FABPAY_HOME } },
        (err, _stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: orgs[0].peers: expected a whole number from 1 to 8, got "two"`);
  });
});
