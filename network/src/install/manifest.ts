import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/run';
import type { Pin, Product } from './versions';

/** How a product's binaries got into the bin directory. */
export type Route = 'present' | 'path' | 'go' | 'archive';

/** What the installer recorded about one product in bin/manifest.json. */
export interface ManifestEntry {
  module: string;
  version: string;
  commit: string;
  /** The version the Go module proxy knows the pin by; Go embeds it in binaries it builds. */
  goModuleVersion: string;
  /** Fabric only: the channel capability to create channels with (see versions.json). */
  channelCapability?: 'V2_0' | 'V3_0';
  route: Route;
  commands: string[];
  installedAt: string;
}

export type Manifest = Record<string, ManifestEntry>;

const manifestFile = (binDir: string): string => path.join(binDir, 'manifest.json');

export function readManifest(binDir: string): Manifest {
  try {
    return JSON.parse(readFileSync(manifestFile(binDir), 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

export function writeManifest(binDir: string, manifest: Manifest): void {
  writeFileSync(manifestFile(binDir), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The version a binary reports about itself, or undefined when it has no
 * version command (osnadmin) or cannot run. Fabric and Fabric CA print
 * "Version: X" from `version` (configtxgen uses `-version`).
 */
export async function reportedVersion(binary: string): Promise<string | undefined> {
  const args = path.basename(binary) === 'configtxgen' ? ['-version'] : ['version'];
  try {
    const res = await run(binary, args, { allowFailure: true });
    return /Version:\s*(\S+)/.exec(res.stdout)?.[1];
  } catch {
    return undefined;
  }
}

/** Commands that cannot report their own version; trusted through the manifest and their siblings. */
const SILENT_COMMANDS = new Set(['osnadmin']);

/**
 * True when every command of the product in `dir` reports `pin.version`.
 * Commands without a version command must exist beside ones that do.
 */
export async function hasPinnedBinaries(dir: string, product: Product, pin: Pin): Promise<boolean> {
  for (const command of product.commands) {
    const binary = path.join(dir, command);
    if (!existsSync(binary)) return false;
    if (SILENT_COMMANDS.has(command)) continue;
    if ((await reportedVersion(binary)) !== pin.version) return false;
  }
  return true;
}
