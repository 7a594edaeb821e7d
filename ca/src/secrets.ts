/**
 * Secrets of one organisation, kept in `<org dir>/secrets.json` with mode 0600: the bootstrap admin
 * secret of each CA tier (generated on first setup, reused afterwards) and the enrollment secret of
 * every identity setup registered (so a lost MSP can be re-enrolled without resetting the secret).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaTier } from './layout';

interface SecretsFile {
  bootstrap: Partial<Record<CaTier, string>>;
  /** Key: `<tier>/<enrollment ID>`. */
  identities: Record<string, string>;
}

/** A random secret safe in URLs and YAML (base64url, 144 bits). */
export function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** Writes a file atomically (temp + rename) with the given mode. */
export function writePrivateFile(file: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** Secrets of one organisation, loaded from and saved to its secrets file. */
export class OrgSecrets {
  private data: SecretsFile;

  constructor(readonly file: string) {
    this.data = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as SecretsFile)
      : { bootstrap: {}, identities: {} };
  }

  /** The bootstrap admin secret of a tier, generated and saved on first use. */
  bootstrap(tier: CaTier): string {
    let s = this.data.bootstrap[tier];
    if (!s) {
      s = randomSecret();
      this.data.bootstrap[tier] = s;
      this.save();
    }
    return s;
  }

  /** The secret setup registered an identity with, if known. */
  identity(tier: CaTier, id: string): string | undefined {
    return this.data.identities[`${tier}/${id}`];
  }

  /** Remembers an identity's secret. */
  setIdentity(tier: CaTier, id: string, secret: string): void {
    this.data.identities[`${tier}/${id}`] = secret;
    this.save();
  }

  private save(): void {
    writePrivateFile(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
