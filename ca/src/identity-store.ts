/**
 * A file identity store in the fabric-network wallet format, shared with the gateway client:
 * a directory of `<label>.id` JSON files, mode 0600 (directory 0700), each
 * `{"version":1,"type":"X.509","mspId":"Org1MSP","credentials":{"certificate":"<PEM>","privateKey":"<PEM PKCS#8>"}}`.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { keyMatchesCert, toPkcs8Pem } from './certs';
import { IdentityNotFoundError } from './errors';
import { writeIfChanged } from './msp/files';

/** One wallet identity (fabric-network X.509 format). */
export interface WalletIdentity {
  version: 1;
  type: 'X.509';
  mspId: string;
  credentials: { certificate: string; privateKey: string };
}

const walletIdentitySchema = z.object({
  version: z.literal(1),
  type: z.literal('X.509'),
  mspId: z.string().min(1),
  credentials: z.object({ certificate: z.string().min(1), privateKey: z.string().min(1) }),
});

/** Labels become file names: keep them to a safe character set. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

function checkLabel(label: string): void {
  if (!LABEL.test(label) || label.includes('..')) {
    throw new Error(`invalid identity label "${label}": use letters, digits, ".", "_", "@" or "-"`);
  }
}

/** Builds a wallet identity from a certificate and key (the key is normalised to PKCS#8). */
export function walletIdentity(mspId: string, certificate: string, privateKey: string): WalletIdentity {
  const key = toPkcs8Pem(privateKey);
  if (!keyMatchesCert(key, certificate)) throw new Error('private key does not belong to the certificate');
  return { version: 1, type: 'X.509', mspId, credentials: { certificate, privateKey: key } };
}

/** A directory of `<label>.id` files. */
export class FileIdentityStore {
  constructor(readonly dir: string) {}

  /** Path of a label's file. */
  file(label: string): string {
    checkLabel(label);
    return join(this.dir, `${label}.id`);
  }

  /** True when the label exists. */
  has(label: string): boolean {
    return existsSync(this.file(label));
  }

  /** Reads an identity, or undefined when absent. Throws on a malformed file. */
  get(label: string): WalletIdentity | undefined {
    const f = this.file(label);
    if (!existsSync(f)) return undefined;
    const parsed = walletIdentitySchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
    if (!parsed.success)
      throw new Error(`${f} is not a wallet identity: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  /** Reads an identity or throws IdentityNotFoundError. */
  require(label: string): WalletIdentity {
    const id = this.get(label);
    if (!id) throw new IdentityNotFoundError(`no identity "${label}" in ${this.dir}`);
    return id;
  }

  /**
   * Stores an identity (mode 0600, written atomically). Unchanged content is not rewritten.
   * @returns true if the file was written.
   */
  put(label: string, identity: WalletIdentity): boolean {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const text = `${JSON.stringify(identity)}\n`;
    return writeIfChanged(this.file(label), text, 0o600);
  }

  /** Labels in the store, sorted. */
  list(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.id'))
      .map((f) => f.slice(0, -3))
      .sort();
  }

  /** Deletes an identity. @returns true if it existed. */
  remove(label: string): boolean {
    const f = this.file(label);
    if (!existsSync(f)) return false;
    rmSync(f);
    return true;
  }
}
