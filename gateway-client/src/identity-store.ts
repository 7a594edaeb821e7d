/**
 * Loader for the CA's file identity store (shared contract with ca/):
 * a directory of `<label>.id` JSON files, mode 0600, in the fabric-network
 * wallet X.509 format. Deliberately independent of ca/ so the client has no
 * build-time dependency on the CA tooling.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';

const identityFileSchema = z.object({
  version: z.literal(1),
  type: z.literal('X.509'),
  mspId: z.string().min(1),
  credentials: z.object({
    certificate: z.string().includes('BEGIN CERTIFICATE'),
    privateKey: z.string().includes('PRIVATE KEY'),
  }),
});

/** An enrolled identity: MSP ID, PEM certificate and PEM private key. */
export interface StoredIdentity {
  readonly label: string;
  readonly mspId: string;
  readonly certificate: string;
  readonly privateKey: string;
}

/** Raised when an identity file is missing, malformed or too widely readable. */
export class IdentityStoreError extends Error {
  override readonly name = 'IdentityStoreError';
}

export interface LoadIdentityOptions {
  /**
   * Accept files readable by group or others. Off by default: a private key
   * file with loose permissions is a leak waiting to happen, and the store
   * contract says 0600.
   */
  readonly allowInsecurePermissions?: boolean;
}

/** Labels of every identity in the store directory, sorted. */
export async function listIdentities(storeDir: string): Promise<string[]> {
  const entries = await fs.readdir(storeDir).catch((err: NodeJS.ErrnoException) => {
    throw new IdentityStoreError(`cannot read identity store ${storeDir}: ${err.message}`);
  });
  return entries
    .filter((f) => f.endsWith('.id'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Loads `<storeDir>/<label>.id`, validates its shape, and checks that the
 * certificate and key parse and belong together.
 */
export async function loadIdentity(
  storeDir: string,
  label: string,
  options: LoadIdentityOptions = {},
): Promise<StoredIdentity> {
  if (!/^[A-Za-z0-9._@-]+$/.test(label) || label.startsWith('.')) {
    throw new IdentityStoreError(`invalid identity label "${label}"`);
  }
  const file = path.join(storeDir, `${label}.id`);
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    const known =
      err.code === 'ENOENT' ? ' (no such identity; run the CA enroll command or check FABPAY_WALLET)' : '';
    throw new IdentityStoreError(`cannot read identity ${file}: ${err.message}${known}`);
  });
  if (!options.allowInsecurePermissions && (stat.mode & 0o077) !== 0) {
    throw new IdentityStoreError(
      `identity file ${file} has mode ${(stat.mode & 0o777).toString(8)}; expected 0600 (chmod 600 it)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new IdentityStoreError(`identity file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = identityFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new IdentityStoreError(
      `identity file ${file} is not an X.509 identity: ${z.prettifyError(parsed.error)}`,
    );
  }
  const { mspId, credentials } = parsed.data;
  try {
    const cert = new X509Certificate(credentials.certificate);
    const key = createPrivateKey(credentials.privateKey);
    if (!cert.checkPrivateKey(key)) throw new Error('private key does not match the certificate');
  } catch (err) {
    throw new IdentityStoreError(`identity file ${file}: ${(err as Error).message}`);
  }
  return { label, mspId, certificate: credentials.certificate, privateKey: credentials.privateKey };
}
