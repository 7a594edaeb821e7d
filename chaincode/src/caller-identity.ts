import { Certificate, DistinguishedName } from '@fidm/x509';
import { hasAdminOU, type IdentitySource } from './acl';

/*
 * The caller's certificate, parsed once.
 *
 * fabric-contract-api's dispatch builds fabric-shim's ClientIdentity (one
 * @fidm/x509 parse for getID() and the attributes) and acl.ts then parsed
 * the same PEM again for the admin OU. The direct dispatch builds a
 * {@link CertIdentity} instead: the same steps as ClientIdentity's
 * constructor (fabric-shim 2.5.8, lib/chaincode.js), on the same parser, so
 * getID() and the attribute values are ClientIdentity's byte for byte
 * (owners are stored on the ledger), and the admin flag from that same
 * parse. caller-identity.test.ts compares both on real certificates.
 */

/** Fabric CA's attribute extension. */
const FABRIC_CERT_ATTR_OID = '1.2.3.4.5.6.7.8.1';

/** What the stub says about the creator (ChaincodeStub.getCreator()). */
export interface CreatorSource {
  getCreator(): { mspid: string; idBytes: Uint8Array };
}

/** The result of one parse of a certificate PEM: what ClientIdentity derives from it, plus the admin OU. */
interface ParsedCert {
  id: string;
  /** ClientIdentity's `attrs`: the extension's `attrs` member, whatever its JSON type ({} without the extension). */
  attrs: unknown;
  /** The subject has OU=admin, as acl.ts's hasAdminOU finds it in the raw bytes. */
  admin: boolean;
}

/** fabric-shim's normalizeX509: the first BEGIN line to the last END line, each on its own line. */
function normalizeX509(raw: string): string {
  const regex = /(-----\s*BEGIN ?[^-]+?-----)([\s\S]*)(-----\s*END ?[^-]+?-----)/;
  const matches = raw.match(regex);
  if (!matches || matches.length !== 4) {
    throw new Error('Failed to find start line or end line of the certificate.');
  }
  return matches
    .slice(1)
    .map((element) => element.trim())
    .join('\n')
    .concat('\n');
}

/**
 * fabric-shim's formatDN: `/SN=value` per attribute. It escapes only the
 * *first* "/" of each value (String.replace with a string pattern), which is
 * why acl.ts never reads roles or OUs back out of this string.
 */
function formatDN(dn: DistinguishedName): string {
  return dn.attributes.map((a) => `/${a.shortName}=${a.value.replace('/', '\\/')}`).join('');
}

function parse(raw: string, idBytes: Uint8Array): ParsedCert {
  const normalized = normalizeX509(raw);
  const cert = Certificate.fromPEM(Buffer.from(normalized));
  const id = `x509::${formatDN(cert.subject)}::${formatDN(cert.issuer)}`;
  const extension = cert.extensions.find((ext) => ext.oid === FABRIC_CERT_ATTR_OID);
  let attrs: unknown = {};
  if (extension) {
    attrs = (JSON.parse(extension.value.toString()) as { attrs?: unknown }).attrs;
  }
  // acl.ts reads the admin OU from the raw bytes, ClientIdentity everything
  // else from the normalized PEM. For a PEM as Fabric CA writes it (LF line
  // ends, one trailing LF) they are the same bytes and one parse serves both;
  // otherwise the raw bytes get acl.ts's own parse (once: the result is cached).
  const admin = Buffer.from(normalized).equals(Buffer.from(idBytes))
    ? cert.subject.attributes.some((a) => a.shortName === 'OU' && a.value === 'admin')
    : hasAdminOU(idBytes);
  return { id, attrs, admin };
}

/**
 * Parsed certificates by their exact bytes (as a latin1 string: one
 * character per byte, so two different byte strings never share an entry,
 * as two invalid UTF-8 sequences could after decoding). A parse is a pure
 * function of the bytes,
 * and a client sends the same certificate with every transaction, so the
 * server parses each certificate once, not once per transaction. Bounded;
 * the oldest entry goes first.
 */
const cache = new Map<string, ParsedCert>();
/** Most certificates kept (a few hundred bytes to a few KB each). */
export const CERT_CACHE_SIZE = 1024;

function parsed(idBytes: Uint8Array): ParsedCert {
  const key = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength).toString('latin1');
  let p = cache.get(key);
  if (!p) {
    p = parse(new TextDecoder().decode(idBytes), idBytes);
    if (cache.size >= CERT_CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (!oldest.done) {
        cache.delete(oldest.value);
      }
    }
    cache.set(key, p);
  }
  return p;
}

/**
 * The calling identity from one certificate parse: fabric-shim
 * ClientIdentity's getID(), getMSPID(), getIDBytes() and getAttributeValue()
 * with identical results (and identical errors: a creator that is no X.509
 * PEM fails construction with ClientIdentity's message), plus the admin OU.
 */
export class CertIdentity implements IdentitySource {
  private readonly mspId: string;
  private readonly idBytes: Uint8Array;
  private readonly cert: ParsedCert;

  constructor(stub: CreatorSource) {
    const signingId = stub.getCreator();
    this.mspId = signingId.mspid;
    this.idBytes = signingId.idBytes;
    this.cert = parsed(this.idBytes);
  }

  /** `x509::<subject DN>::<issuer DN>`, as ClientIdentity.getID(). */
  getID(): string {
    return this.cert.id;
  }

  getMSPID(): string {
    return this.mspId;
  }

  getIDBytes(): Uint8Array {
    return this.idBytes;
  }

  /**
   * As ClientIdentity.getAttributeValue: the value when truthy, else null;
   * like it, throws a TypeError when the extension's `attrs` is null or
   * missing (it indexes them unguarded).
   */
  getAttributeValue(name: string): string | null {
    const attr = (this.cert.attrs as Record<string, unknown>)[name];
    return attr ? (attr as string) : null;
  }

  /** As ClientIdentity.assertAttributeValue. */
  assertAttributeValue(name: string, value: string): boolean {
    const attr = this.getAttributeValue(name);
    return attr !== null && attr === value;
  }

  /** Subject OU=admin, exactly as acl.ts's hasAdminOU(getIDBytes()) finds it. */
  adminOU(): boolean {
    return this.cert.admin;
  }
}
