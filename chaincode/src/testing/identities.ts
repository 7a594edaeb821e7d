import './quiet';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { Creator } from './memory-ledger';

// node's webcrypto is the WebCrypto API @peculiar/x509 expects; the types differ only nominally.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type Params = x509.X509CertificateCreateWithKeyParams;

/** What a test identity looks like. */
export interface IdentitySpec {
  mspId: string;
  cn: string;
  /** Fabric NodeOU in the subject: client or admin. */
  ou?: 'client' | 'admin';
  /** Attributes in the Fabric CA attribute extension (OID 1.2.3.4.5.6.7.8.1). */
  attrs?: Record<string, string>;
}

/** A test identity: the creator the stub hands to fabric-shim's ClientIdentity. */
export interface TestIdentity extends Creator {
  spec: IdentitySpec;
  /** Owner string the chaincode derives for it. */
  owner: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const cache = new Map<string, Promise<TestIdentity>>();
let serial = 1;

/**
 * A real X.509 certificate shaped like a Fabric CA enrollment certificate
 * (subject OU = NodeOU, attributes in the Fabric extension), so the test path
 * goes through fabric-shim's own ClientIdentity parsing. Cached per spec.
 */
export function identity(spec: IdentitySpec): Promise<TestIdentity> {
  const key = JSON.stringify(spec);
  let p = cache.get(key);
  if (!p) {
    p = make(spec);
    cache.set(key, p);
  }
  return p;
}

async function make(spec: IdentitySpec): Promise<TestIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALG, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const org = spec.mspId.replace(/MSP$/, '').toLowerCase();
  const extensions = spec.attrs
    ? [new x509.Extension('1.2.3.4.5.6.7.8.1', false, Buffer.from(JSON.stringify({ attrs: spec.attrs })))]
    : [];
  const ca = `CN=ica.${org}, O=${org}, C=US`;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: `CN=${spec.cn}, OU=${spec.ou ?? 'client'}, O=${org}`,
    issuer: ca,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as unknown as Params['publicKey'],
    signingKey: keys.privateKey as unknown as Params['signingKey'],
    extensions,
  });
  const idBytes = Buffer.from(cert.toString('pem'));
  // Mirror fabric-shim's ID format so tests can name owners before calling.
  const dn = (s: string) =>
    s
      .split(', ')
      .map((p) => `/${p}`)
      .join('');
  const id = `x509::${dn(`CN=${spec.cn}, OU=${spec.ou ?? 'client'}, O=${org}`)}::${dn(ca)}`;
  return { mspid: spec.mspId, idBytes, spec, owner: `${spec.mspId}::${id}` };
}
