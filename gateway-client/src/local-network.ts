/**
 * Finding the connection profile and identity store of a local fabpay network, so the `fabpay`
 * CLI needs no --profile/--wallet when one runs (`npx fabpay balance acct-1 --identity alice`).
 *
 * This package must not depend on the network tool (backends use it as a library), so it only
 * follows the on-disk convention the network tool writes to:
 *
 * - the fabpay home is `$FABPAY_HOME`, else the nearest `.fabric` directory at or above the
 *   working directory (the repository's git-ignored state directory);
 * - `<home>/run/network/profiles/connection-<org>.json` are the profiles of a network that was
 *   brought up (`down` keeps them, `clean` removes them); `<home>/run/network/nodes/<peer host>/
 *   node.pid` says whether its peers run, so a stopped network is reported at once instead of
 *   after the request deadline;
 * - each profile names its organisation's identity store in `x-fabpay.wallet`; identities are
 *   `<wallet>/<label>.id` files.
 *
 * Explicit settings always win; what is filled in is reported so the user sees what was picked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** No usable local network for the settings given: the message says what was looked at. */
export class LocalNetworkError extends Error {
  override readonly name = 'LocalNetworkError';
}

/** The settings the caller gave (flags or environment). */
export interface ConnectionSettings {
  readonly profile?: string | undefined;
  readonly wallet?: string | undefined;
  readonly identity: string;
}

/** Resolved settings, and a line for each value that was filled in. */
export interface ResolvedConnection {
  readonly profile: string;
  readonly wallet: string;
  /** Human-readable notes on what was picked and why (empty when everything was explicit). */
  readonly notes: string[];
}

/** One profile of the local network. */
export interface LocalProfile {
  readonly file: string;
  readonly org: string;
  readonly mspId: string | undefined;
  readonly wallet: string | undefined;
  /** Peer names (host names) of the profile. */
  readonly peers: string[];
}

/** Directory holding the local network's profiles: `<home>/run/network/profiles`. */
export function profilesDirOf(home: string): string {
  return path.join(home, 'run', 'network', 'profiles');
}

/**
 * The fabpay home to look in: `$FABPAY_HOME`, else the nearest `.fabric` at or above `cwd`
 * that holds a network's profiles. Undefined when there is none.
 */
export function findFabpayHome(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.FABPAY_HOME) return path.resolve(cwd, env.FABPAY_HOME);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const home = path.join(dir, '.fabric');
    if (existsSync(profilesDirOf(home))) return home;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readProfile(file: string): LocalProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LocalNetworkError(`cannot read connection profile ${file}: ${(err as Error).message}`);
  }
  const p = (typeof json === 'object' && json !== null ? json : {}) as {
    client?: { organization?: unknown };
    organizations?: Record<string, { mspid?: unknown }>;
    'x-fabpay'?: { wallet?: unknown };
    peers?: Record<string, unknown>;
  };
  const org = typeof p.client?.organization === 'string' ? p.client.organization : path.basename(file);
  const mspId = p.organizations?.[org]?.mspid;
  const wallet = p['x-fabpay']?.wallet;
  return {
    file,
    org,
    mspId: typeof mspId === 'string' ? mspId : undefined,
    wallet: typeof wallet === 'string' ? path.resolve(path.dirname(file), wallet) : undefined,
    peers: Object.keys(p.peers ?? {}),
  };
}

/** True when the PID is a live process (EPERM: alive, but another user's). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether any of the profile's peers runs, by the PID files the network tool keeps; undefined
 * when there are none to judge by (another layout: let the connection find out).
 */
export function peersRunning(home: string, profile: LocalProfile): boolean | undefined {
  let judged = false;
  for (const host of profile.peers) {
    const pidFile = path.join(home, 'run', 'network', 'nodes', host, 'node.pid');
    if (!existsSync(pidFile)) continue;
    judged = true;
    // The PID is line 1; the network tool records start time and boot ID on the lines after it
    // (topology/src/process/record.ts). A live PID is enough here: this only decides whether to
    // try the network, it never signals anything.
    const pid = Number((readFileSync(pidFile, 'utf8').split('\n')[0] ?? '').trim());
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return true;
  }
  return judged ? false : undefined;
}

/** The profiles of the local network in `home`, sorted by file name. */
export function localProfiles(home: string): LocalProfile[] {
  const dir = profilesDirOf(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^connection-.+\.json$/.test(f))
    .sort()
    .map((f) => readProfile(path.join(dir, f)));
}

/** The MSP ID stored in a wallet identity file, when it can be read. */
function identityMspId(wallet: string, label: string): string | undefined {
  try {
    const id = JSON.parse(readFileSync(path.join(wallet, `${label}.id`), 'utf8')) as { mspId?: unknown };
    return typeof id.mspId === 'string' ? id.mspId : undefined;
  } catch {
    return undefined;
  }
}

const hasIdentity = (wallet: string | undefined, label: string): boolean =>
  wallet !== undefined && existsSync(path.join(wallet, `${label}.id`));

/**
 * Fills in a missing profile and/or wallet from the local network:
 *
 * - profile given, no wallet: the profile's own `x-fabpay.wallet`;
 * - no profile: the local network's profile of the organisation holding the identity (by its
 *   wallet when one is given, else the one wallet with `<identity>.id`).
 *
 * @throws LocalNetworkError when nothing fits or the choice is ambiguous.
 */
export function resolveConnection(
  given: ConnectionSettings,
  env: NodeJS.ProcessEnv,
  cwd: string,
): ResolvedConnection {
  const { identity } = given;
  if (given.profile && given.wallet) return { profile: given.profile, wallet: given.wallet, notes: [] };

  if (given.profile) {
    const p = readProfile(path.resolve(cwd, given.profile));
    if (!p.wallet) {
      throw new LocalNetworkError(
        `connection profile ${p.file} names no identity store (x-fabpay.wallet): give --wallet / FABPAY_WALLET`,
      );
    }
    return {
      profile: given.profile,
      wallet: p.wallet,
      notes: [`using the identity store named by the profile: ${p.wallet}`],
    };
  }

  const home = findFabpayHome(env, cwd);
  const profiles = home ? localProfiles(home) : [];
  if (!home || profiles.length === 0) {
    const where = home
      ? profilesDirOf(home)
      : env.FABPAY_HOME
        ? profilesDirOf(env.FABPAY_HOME)
        : `.fabric/run/network/profiles in ${cwd} or above`;
    throw new LocalNetworkError(
      `no --profile / FABPAY_PROFILE given and no local network found (looked for ${where}): ` +
        'start one with `npx fabpay-network up`, or give --profile and --wallet',
    );
  }

  let candidates: LocalProfile[];
  if (given.wallet) {
    const wallet = path.resolve(cwd, given.wallet);
    const mspId = identityMspId(wallet, identity);
    candidates = profiles.filter((p) => p.wallet === wallet);
    if (candidates.length === 0 && mspId) candidates = profiles.filter((p) => p.mspId === mspId);
  } else {
    candidates = profiles.filter((p) => hasIdentity(p.wallet, identity));
  }

  if (candidates.length === 1) {
    const picked = candidates[0]!;
    if (peersRunning(home, picked) === false) {
      throw new LocalNetworkError(
        `the local network in ${home} is not running (none of ${picked.org}'s peers has a live process): ` +
          'start it with `npx fabpay-network up`, or give --profile for another network',
      );
    }
    const wallet = given.wallet ?? picked.wallet!;
    return {
      profile: picked.file,
      wallet,
      notes: [
        `using the local network's connection profile ${picked.file} (${picked.org})`,
        ...(given.wallet ? [] : [`using ${picked.org}'s identity store ${wallet} (identity ${identity})`]),
      ],
    };
  }
  const orgs = profiles.map((p) => p.org).join(', ');
  if (candidates.length === 0) {
    const labels = profiles
      .filter((p) => p.wallet && existsSync(p.wallet))
      .map((p) => {
        const ids = readdirSync(p.wallet!)
          .filter((f) => f.endsWith('.id'))
          .map((f) => f.slice(0, -3));
        return `${p.org}: ${ids.join(', ') || '(none)'}`;
      });
    throw new LocalNetworkError(
      given.wallet
        ? `no connection profile of the local network (${orgs}) fits the identity store ${given.wallet}: give --profile`
        : `no identity "${identity}" in the local network's identity stores (${labels.join('; ') || orgs}): ` +
            'pick one of those with --identity, or give --profile and --wallet',
    );
  }
  throw new LocalNetworkError(
    `identity "${identity}" is in several organisations' identity stores (${candidates
      .map((c) => c.org)
      .join(', ')}): choose one with --profile ${candidates.map((c) => c.file).join(' or --profile ')}`,
  );
}
