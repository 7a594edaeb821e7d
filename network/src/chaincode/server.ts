import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  logTail,
  repoRoot,
  runningPid,
  startProcess,
  stopProcess,
  type ProcessRef,
  type ProcessSpec,
} from '@fabpay/topology';
import { GENESIS_ENV } from '@fabpay/chaincode/dist/endorser';
import { chaincodeFiles, chaincodeServerFiles } from '../layout';
import type { NetworkContext } from '../context';
import { networkGenesis, termsDigest } from '../governance/terms';
import type { NodeSpec } from '../nodes/specs';
import { waitForPort } from '../util/tcp';
import { chaincodeServerAddress, chaincodeServerPort, chaincodeTls } from './endpoints';

/** The CCaaS entry point of the chaincode workspace. */
export function chaincodeEntry(ctx: NetworkContext): string {
  return path.join(repoRoot(), ctx.topology.chaincode.path, 'dist', 'server.js');
}

/**
 * A peer's own chaincode server process (`node <chaincode>/dist/server.js`), for starting,
 * stopping and status: the one place its name, command and PID file are given. Every peer has
 * one, so a crashed server (or peer) leaves the org's other peers endorsing.
 */
export function chaincodeProcess(ctx: NetworkContext, peer: NodeSpec): ProcessRef {
  return {
    name: `${peer.host} chaincode server`,
    command: process.execPath,
    args: [chaincodeEntry(ctx)],
    pidFile: chaincodeServerFiles(ctx.layout, peer).pid,
  };
}

/** The package ID a peer's chaincode server was last started with (`server.pid.ccid`), if any. */
export function recordedPackageId(ctx: NetworkContext, peer: NodeSpec): string | undefined {
  const file = `${chaincodeServerFiles(ctx.layout, peer).pid}.ccid`;
  const id = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return id || undefined;
}

/**
 * Everything needed to start a peer's chaincode server for `packageId`: listening on the peer's
 * chaincode server port, presenting the peer's TLS key pair, configured with the digest of the
 * topology's genesis governance (FABPAY_GOVERNANCE_GENESIS_SHA256; without it the server endorses
 * no initGovernance). The supervisor restarts a crashed server from this too.
 */
export function chaincodeServerSpec(ctx: NetworkContext, peer: NodeSpec, packageId: string): ProcessSpec {
  const tls = chaincodeTls(peer);
  return {
    ...chaincodeProcess(ctx, peer),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      CHAINCODE_SERVER_ADDRESS: chaincodeServerAddress(ctx, peer),
      CHAINCODE_ID: packageId,
      CHAINCODE_TLS_CERT_FILE: tls.cert,
      CHAINCODE_TLS_KEY_FILE: tls.key,
      [GENESIS_ENV]: termsDigest(networkGenesis(ctx.layout, ctx.topology)),
      // The chaincode's dispatch mode and log level, when the caller sets them (a benchmark
      // comparing the direct and the contract dispatch starts the network once per mode).
      ...passThrough(process.env, ['FABPAY_CHAINCODE_DISPATCH', 'CORE_CHAINCODE_LOGGING_LEVEL']),
    },
    logFile: chaincodeServerFiles(ctx.layout, peer).log,
    // On the peer's host: the peer dials it there, and nothing else can.
    ...(peer.netns ? { netns: peer.netns } : {}),
  };
}

/** The named variables of `env` that are set (non-empty). */
function passThrough(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value) {
      out[name] = value;
    }
  }
  return out;
}

/** Waits until a peer's chaincode server accepts connections; fails with its log if it exits. */
export function waitForChaincodeServer(ctx: NetworkContext, peer: NodeSpec): Promise<void> {
  const proc = chaincodeProcess(ctx, peer);
  const { log } = chaincodeServerFiles(ctx.layout, peer);
  return waitForPort(`${peer.host}'s chaincode server`, chaincodeServerPort(ctx, peer.host), {
    timeoutMs: 30_000,
    address: peer.address,
    stillRunning: () => {
      if (runningPid(proc) === undefined) {
        throw new Error(`the chaincode server exited; its log ends:\n${logTail(log)}`);
      }
    },
    describeLast: () => logTail(log),
  });
}

/**
 * Starts (or restarts, when the package ID or the genesis governance digest changed) a peer's
 * chaincode server: one Node process serving the payments contract over TLS to that peer, known
 * to it by `packageId`. The package ID and the digest it runs with are recorded next to its PID
 * file (`server.pid.ccid`, `server.pid.genesis`), so a server started before either changed is
 * restarted, and the supervisor knows what to restart a crashed one with.
 */
export async function startChaincodeServer(
  ctx: NetworkContext,
  peer: NodeSpec,
  packageId: string,
): Promise<void> {
  const files = chaincodeServerFiles(ctx.layout, peer);
  const proc = chaincodeProcess(ctx, peer);
  const entry = chaincodeEntry(ctx);
  if (!existsSync(entry)) {
    throw new Error(
      `chaincode server ${entry} does not exist: build the chaincode first (npx tsc -b ${ctx.topology.chaincode.path})`,
    );
  }
  const running = runningPid(proc);
  const idFile = `${files.pid}.ccid`;
  const genesisFile = `${files.pid}.genesis`;
  const genesis = termsDigest(networkGenesis(ctx.layout, ctx.topology));
  if (running !== undefined) {
    const recorded = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
    // The peers are about to connect to it (started now, or by an earlier `up` that was cut short).
    if (recorded(idFile) === packageId && recorded(genesisFile) === genesis) {
      return waitForChaincodeServer(ctx, peer);
    }
    ctx.progress(
      recorded(idFile) === packageId
        ? `chaincode: restarting ${peer.host}'s server: its genesis governance digest is not the network's`
        : `chaincode: restarting ${peer.host}'s server for package ${packageId}`,
    );
    await stopProcess(proc);
  }
  const spec = chaincodeServerSpec(ctx, peer, packageId);
  ctx.progress(`chaincode: starting ${peer.host}'s server on ${chaincodeServerAddress(ctx, peer)}`);
  // Recorded first: a supervisor that sees this server crash at once restarts the same package.
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(idFile, `${packageId}\n`);
  writeFileSync(genesisFile, `${genesis}\n`);
  startProcess(spec);
  await waitForChaincodeServer(ctx, peer);
}

/** Stops a peer's chaincode server; whether one was running. */
export async function stopChaincodeServer(ctx: NetworkContext, peer: NodeSpec): Promise<boolean> {
  return stopProcess(chaincodeProcess(ctx, peer));
}

/**
 * The one chaincode server per org that networks started by fabpay before servers per peer ran
 * (`chaincode/<org>/server.pid`). Nothing starts it any more; `down` stops one still running, so
 * that a network started by the older layout leaves no orphan behind.
 */
export function legacyOrgChaincodeProcess(ctx: NetworkContext, org: string): ProcessRef {
  return {
    name: `${org} chaincode server (one per org, before servers per peer)`,
    command: process.execPath,
    args: [chaincodeEntry(ctx)],
    pidFile: path.join(chaincodeFiles(ctx.layout, org).dir, 'server.pid'),
  };
}
