import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logTail, repoRoot, runningPid, startProcess, stopProcess, type ProcessRef } from '@fabpay/topology';
import { GENESIS_ENV } from '@fabpay/chaincode/dist/endorser';
import { chaincodeFiles } from '../layout';
import type { NetworkContext } from '../context';
import { genesisDigest } from '../governance/terms';
import { waitForPort } from '../util/tcp';
import { chaincodePort, chaincodeTls } from './endpoints';

/** The CCaaS entry point of the chaincode workspace. */
export function chaincodeEntry(ctx: NetworkContext): string {
  return path.join(repoRoot(), ctx.topology.chaincode.path, 'dist', 'server.js');
}

/**
 * The organisation's chaincode server process (`node <chaincode>/dist/server.js`), for starting,
 * stopping and status: the one place its command and PID file are named.
 */
export function chaincodeProcess(ctx: NetworkContext, org: string): ProcessRef {
  return {
    name: `${org} chaincode server`,
    command: process.execPath,
    args: [chaincodeEntry(ctx)],
    pidFile: chaincodeFiles(ctx.layout, org).pid,
  };
}

/**
 * Starts (or restarts, when the package ID or the genesis governance digest changed) the
 * organisation's chaincode server: one Node process serving the payments contract over TLS, known
 * to the peers by `packageId`, configured with the digest of the topology's genesis governance
 * (FABPAY_GOVERNANCE_GENESIS_SHA256; without it the server endorses no initGovernance). The package
 * ID and the digest it runs with are recorded next to its PID file (`server.pid.ccid`,
 * `server.pid.genesis`), so a server started before either changed is restarted.
 */
export async function startChaincodeServer(
  ctx: NetworkContext,
  org: string,
  packageId: string,
): Promise<void> {
  const files = chaincodeFiles(ctx.layout, org);
  const proc = chaincodeProcess(ctx, org);
  const entry = chaincodeEntry(ctx);
  if (!existsSync(entry)) {
    throw new Error(
      `chaincode server ${entry} does not exist: build the chaincode first (npx tsc -b ${ctx.topology.chaincode.path})`,
    );
  }
  const running = runningPid(proc);
  const idFile = `${files.pid}.ccid`;
  const genesisFile = `${files.pid}.genesis`;
  const genesis = genesisDigest(ctx.topology);
  const port = chaincodePort(ctx, org);
  // The peers are about to connect to it (started now, or by an earlier `up` that was cut short).
  const listening = (): Promise<void> =>
    waitForPort(`${org}'s chaincode server`, port, {
      timeoutMs: 30_000,
      stillRunning: () => {
        if (runningPid(proc) === undefined) {
          throw new Error(`the chaincode server exited; its log ends:\n${logTail(files.log)}`);
        }
      },
      describeLast: () => logTail(files.log),
    });
  if (running !== undefined) {
    const recorded = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
    if (recorded(idFile) === packageId && recorded(genesisFile) === genesis) return listening();
    ctx.progress(
      recorded(idFile) === packageId
        ? `chaincode: restarting ${org}'s server: its genesis governance digest is not the topology's`
        : `chaincode: restarting ${org}'s server for package ${packageId}`,
    );
    await stopProcess(proc);
  }
  const tls = chaincodeTls(ctx, org);
  ctx.progress(`chaincode: starting ${org}'s server on 127.0.0.1:${port}`);
  startProcess({
    ...proc,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CHAINCODE_ID: packageId,
      CHAINCODE_TLS_CERT_FILE: tls.cert,
      CHAINCODE_TLS_KEY_FILE: tls.key,
      [GENESIS_ENV]: genesis,
    },
    logFile: files.log,
  });
  writeFileSync(idFile, `${packageId}\n`);
  writeFileSync(genesisFile, `${genesis}\n`);
  await listening();
}

export async function stopChaincodeServer(ctx: NetworkContext, org: string): Promise<boolean> {
  return stopProcess(chaincodeProcess(ctx, org));
}
