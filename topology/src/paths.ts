/**
 * Where fabpay keeps things on disk: the one place these rules live.
 *
 * - repo root: the nearest ancestor of this package holding a package.json with "workspaces"
 *   (falls back to the current directory);
 * - home: `$FABPAY_HOME`, else `<repo>/.fabric` (git-ignored);
 * - binaries: `$FABPAY_BIN_DIR`, else `<repo>/.fabric/bin` (the installer puts them there; the bin
 *   dir does not follow FABPAY_HOME, so a temporary home for tests still finds the binaries);
 * - runtime state (CA homes, node data, logs, PID files, wallets): `<home>/run`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Environment variables that override the defaults. */
export interface PathEnv {
  FABPAY_HOME?: string | undefined;
  FABPAY_BIN_DIR?: string | undefined;
}

function isWorkspaceRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'workspaces' in parsed;
  } catch {
    return false;
  }
}

let cachedRoot: string | undefined;

/** The repository root (the npm workspaces root). */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = resolve(__dirname);
  for (;;) {
    if (isWorkspaceRoot(dir)) return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) return (cachedRoot = process.cwd());
    dir = parent;
  }
}

/** `$FABPAY_HOME`, else `<repo>/.fabric`. */
export function fabpayHome(env: PathEnv = process.env): string {
  return env.FABPAY_HOME ? resolve(env.FABPAY_HOME) : join(repoRoot(), '.fabric');
}

/** Directory holding the Fabric and Fabric CA binaries: `$FABPAY_BIN_DIR`, else `<repo>/.fabric/bin`. */
export function binDir(env: PathEnv = process.env): string {
  return env.FABPAY_BIN_DIR ? resolve(env.FABPAY_BIN_DIR) : join(repoRoot(), '.fabric', 'bin');
}

/** Full path of a binary such as `fabric-ca-server` or `peer`. */
export function binaryPath(name: string, env: PathEnv = process.env): string {
  return join(binDir(env), name);
}

/** Root of all runtime state: `<home>/run`. */
export function runDir(env: PathEnv = process.env): string {
  return join(fabpayHome(env), 'run');
}

/**
 * The hosts file of a network on hosts, for people and for clients outside the hosts (the
 * fabpay client reads it through the connection profile): `<run>/hosts`. Every host's namespace
 * resolves with the same text (../placement).
 */
export function hostsFile(env: PathEnv = process.env): string {
  return join(runDir(env), 'hosts');
}

/** Where the CA servers and the crypto material of the organisations live: `<run>/ca`. */
export function caRunDir(env: PathEnv = process.env): string {
  return join(runDir(env), 'ca');
}

/** Wallets (fabric-network X.509 identity files) per organisation: `<run>/wallets/<org>`. */
export function walletDir(org: string, env: PathEnv = process.env): string {
  return join(runDir(env), 'wallets', org);
}

/** The default topology file: `<repo>/topology.yaml`. */
export function defaultTopologyFile(): string {
  return join(repoRoot(), 'topology.yaml');
}
