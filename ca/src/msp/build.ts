/**
 * Lays out MSP and TLS folders the way Fabric reads them:
 *
 * - local MSP (node or user): signcerts/cert.pem, keystore/priv_sk, cacerts/ca.pem (the root CA
 *   only), intermediatecerts/ca.pem, tlscacerts/ca.pem (the TLS CA), config.yaml (NodeOUs);
 * - TLS folder of a node: ca.crt (TLS CA), server.crt, server.key; of the org admin: ca.crt,
 *   client.crt, client.key (for mutual TLS, e.g. osnadmin);
 * - channel MSP of an organisation (configtxgen): cacerts, intermediatecerts, tlscacerts,
 *   config.yaml and crls/; no admincerts, NodeOUs classify admins.
 *
 * The TLS root goes to tlscacerts/ only, never to cacerts/: in cacerts it would make every TLS
 * certificate a valid identity of the organisation.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { keyMatchesCert, toPkcs8Pem } from '../certs';
import { writePrivateFile } from '../secrets';
import { writeIfChanged } from './files';
import { NODE_OU_CONFIG } from './nodeous';

/** The CA certificates an organisation's MSPs are built from. */
export interface OrgCaCerts {
  /** Root CA certificate (PEM). */
  root: string;
  /** Intermediate CA certificate (PEM), the issuer of every enrollment certificate. */
  intermediate: string;
  /** TLS CA certificate (PEM). */
  tls: string;
}

/** Removes every file of a folder except `keep`, so stale files from older layouts disappear. */
function pruneDir(dir: string, keep: string[]): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir))
    if (!keep.includes(f)) rmSync(join(dir, f), { recursive: true, force: true });
}

/** Writes the CA parts shared by local and channel MSPs. @returns true if anything changed. */
function writeMspCaParts(msp: string, cas: OrgCaCerts): boolean {
  let changed = false;
  changed = writeIfChanged(join(msp, 'cacerts', 'ca.pem'), cas.root) || changed;
  changed = writeIfChanged(join(msp, 'intermediatecerts', 'ca.pem'), cas.intermediate) || changed;
  changed = writeIfChanged(join(msp, 'tlscacerts', 'ca.pem'), cas.tls) || changed;
  changed = writeIfChanged(join(msp, 'config.yaml'), NODE_OU_CONFIG) || changed;
  pruneDir(join(msp, 'cacerts'), ['ca.pem']);
  pruneDir(join(msp, 'intermediatecerts'), ['ca.pem']);
  pruneDir(join(msp, 'tlscacerts'), ['ca.pem']);
  return changed;
}

/** Signing certificate of a local MSP, if present. */
export function readSignCert(msp: string): string | undefined {
  const f = join(msp, 'signcerts', 'cert.pem');
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

/**
 * Private key of a local MSP, if present: `keystore/priv_sk` in MSPs we lay out; in MSPs written
 * by fabric-ca-client (`<ski>_sk`, possibly several after a reenroll) the one matching signcerts.
 */
export function readKey(msp: string): string | undefined {
  const f = join(msp, 'keystore', 'priv_sk');
  if (existsSync(f)) return readFileSync(f, 'utf8');
  const cert = readSignCert(msp);
  const dir = join(msp, 'keystore');
  if (!cert || !existsSync(dir)) return undefined;
  for (const name of readdirSync(dir)) {
    const key = readFileSync(join(dir, name), 'utf8');
    if (key.includes('PRIVATE KEY') && keyMatchesCert(key, cert)) return toPkcs8Pem(key);
  }
  return undefined;
}

/**
 * Writes a local MSP. When `identity` is omitted only the CA parts and config.yaml are refreshed
 * (the existing certificate and key stay).
 * @returns true if anything changed on disk.
 */
export function writeLocalMsp(
  msp: string,
  cas: OrgCaCerts,
  identity?: { cert: string; key: string },
): boolean {
  let changed = writeMspCaParts(msp, cas);
  if (identity) {
    changed = writeIfChanged(join(msp, 'signcerts', 'cert.pem'), identity.cert) || changed;
    if (readKey(msp) !== identity.key) {
      writePrivateFile(join(msp, 'keystore', 'priv_sk'), identity.key);
      changed = true;
    }
    pruneDir(join(msp, 'signcerts'), ['cert.pem']);
    pruneDir(join(msp, 'keystore'), ['priv_sk']);
  }
  return changed;
}

/** `server` for a node's TLS folder (server.crt, server.key), `client` for the org admin's (client.crt, client.key). */
export type TlsRole = 'server' | 'client';

/** Writes a TLS folder: ca.crt plus `<role>.crt` and `<role>.key`. @returns true if anything changed. */
export function writeTlsDir(
  dir: string,
  tlsCa: string,
  identity: { cert: string; key: string },
  role: TlsRole = 'server',
): boolean {
  let changed = writeIfChanged(join(dir, 'ca.crt'), tlsCa);
  changed = writeIfChanged(join(dir, `${role}.crt`), identity.cert) || changed;
  const keyFile = join(dir, `${role}.key`);
  if (!existsSync(keyFile) || readFileSync(keyFile, 'utf8') !== identity.key) {
    writePrivateFile(keyFile, identity.key);
    changed = true;
  }
  return changed;
}

/** Reads the TLS certificate and key of a TLS folder, if present. */
export function readTlsDir(dir: string, role: TlsRole = 'server'): { cert: string; key: string } | undefined {
  const c = join(dir, `${role}.crt`);
  const k = join(dir, `${role}.key`);
  if (!existsSync(c) || !existsSync(k)) return undefined;
  return { cert: readFileSync(c, 'utf8'), key: readFileSync(k, 'utf8') };
}

/** Writes an organisation's channel MSP (no signcerts or keys). @returns true if anything changed. */
export function writeChannelMsp(msp: string, cas: OrgCaCerts): boolean {
  return writeMspCaParts(msp, cas);
}

/** Places a CRL (PEM) in an MSP's crls/ folder. */
export function writeCrl(msp: string, crlPem: string): boolean {
  return writeIfChanged(join(msp, 'crls', 'crl.pem'), crlPem);
}
