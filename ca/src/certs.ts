/**
 * Certificate helpers: parsing PEM bundles, chain checks, key/certificate matching, and reading
 * the Fabric CA attribute extension.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** OID of the extension where fabric-ca puts `:ecert` attributes, as JSON `{"attrs":{...}}`. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** Splits a PEM bundle into its certificates (each with BEGIN/END lines and a trailing newline). */
export function splitPems(text: string): string[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map(
    (p) => `${p}\n`,
  );
}

/** Parses the first certificate of a PEM text. */
export function parseCert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

/** True when `cert` is signed by `issuer` and names it as issuer. */
export function issuedBy(cert: string, issuer: string): boolean {
  const c = parseCert(cert);
  const i = parseCert(issuer);
  return c.checkIssued(i) && c.verify(i.publicKey);
}

/** True when the certificate's validity has ended. */
export function isExpired(cert: string, now = new Date()): boolean {
  return new Date(parseCert(cert).validTo).getTime() <= now.getTime();
}

/** The certificate's notAfter. */
export function notAfter(cert: string): Date {
  return new Date(parseCert(cert).validTo);
}

/** Serial number in lower-case hex without leading zeros (the form fabric-ca and CRLs use). */
export function serialHex(cert: string): string {
  return parseCert(cert)
    .serialNumber.toLowerCase()
    .replace(/^0+(?=.)/, '');
}

/** Authority key identifier in lower-case hex, as fabric-ca's revoke expects it. */
export function authorityKeyIdHex(cert: string): string {
  const ext = new x509.X509Certificate(cert).getExtension(x509.AuthorityKeyIdentifierExtension);
  if (!ext?.keyId) throw new Error('certificate has no authority key identifier');
  return ext.keyId.toLowerCase();
}

/** True when the private key (PEM) belongs to the certificate. */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const fromCert = parseCert(certPem).publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(fromKey, fromCert) === 0;
  } catch {
    return false;
  }
}

/** Re-encodes any PEM private key as PKCS#8 (`-----BEGIN PRIVATE KEY-----`). */
export function toPkcs8Pem(keyPem: string): string {
  return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Basic constraints of a certificate: whether it is a CA and its path length limit. */
export function basicConstraints(cert: string): { ca: boolean; pathLength?: number } {
  const ext = new x509.X509Certificate(cert).getExtension(x509.BasicConstraintsExtension);
  if (!ext) return { ca: false };
  return ext.pathLength === undefined ? { ca: ext.ca } : { ca: ext.ca, pathLength: ext.pathLength };
}

/** Subject alternative names: DNS names and IP addresses. */
export function subjectAltNames(cert: string): { dns: string[]; ip: string[] } {
  const ext = new x509.X509Certificate(cert).getExtension(x509.SubjectAlternativeNameExtension);
  const names = ext?.names.items ?? [];
  return {
    dns: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ip: names.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}

/** Organisational units of the subject (fabric-ca puts the identity type there). */
export function organizationalUnits(cert: string): string[] {
  return new x509.X509Certificate(cert).subjectName.getField('OU');
}

/** The `:ecert` attributes fabric-ca embedded in the certificate (empty when there are none). */
export function certAttributes(cert: string): Record<string, string> {
  const ext = new x509.X509Certificate(cert).getExtension(FABRIC_ATTRS_OID);
  if (!ext) return {};
  const parsed = JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs?: Record<string, string> };
  return parsed.attrs ?? {};
}

/** Serial numbers (lower-case hex) listed in a CRL (PEM). */
export function crlSerials(crlPem: string): string[] {
  return new x509.X509Crl(crlPem).entries.map((e) => e.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''));
}
