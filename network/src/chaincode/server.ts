import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { repoRoot } from '@fabpay/topology';
import { chaincodeFiles } from '../layout';
import type { NetworkContext } from '../context';
import { logTail, runningPid, startProcess, stopProcess } from '../nodes/processes';
import { waitFor } from '../util/wait';
import { chaincodePort, chaincodeTls } from './endpoints';

/** The CCaaS entry point of the chaincode workspace. */
export function chaincodeEntry(ctx: NetworkContext): string {
  return path.join(repoRoot(), ctx.topology.chaincode.path, 'dist', 'server.js');
}

/**
 * Starts (or restarts, when the package ID changed) the organisation's chaincode server: one
 * Node process serving the payments contract over TLS, known to the peers by `packageId`.
 */
export async function startChaincodeServer(
  ctx: NetworkContext,
  org: string,
  packageId: string,
): Promise<void> {
  const files = chaincodeFiles(ctx.layout, org);
  const entry = chaincodeEntry(ctx);
  if (!existsSync(entry)) {
    throw new Error(
      `chaincode server ${entry} does not exist: build the chaincode first (npx tsc -b ${ctx.topology.chaincode.path})`,
    );
  }
  const running = runningPid(files.pid);
  const idFile = `${files.pid}.ccid`;
  if (running !== undefined) {
    const current = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '';
    if (current === packageId) return;
    await stopProcess(files.pid, `${org} chaincode server`);
  }
  const port = chaincodePort(ctx, org);
  const tls = chaincodeTls(ctx, org);
  ctx.progress(`chaincode: starting ${org}'s server on 127.0.0.1:${port}`);
  startProcess({
    name: `${org} chaincode server`,
    command: process.execPath,
    args: [entry],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CHAINCODE_ID: packageId,
      CHAINCODE_TLS_CERT_FILE: tls.cert,
      CHAINCODE_TLS_KEY_FILE: tls.key,
    },
    logFile: files.log,
    pidFile: files.pid,
  });
  writeFileSync(idFile, `${packageId}\n`);
  await waitFor(
    `${org}'s chaincode server to listen on 127.0.0.1:${port}`,
    async () => {
      if (runningPid(files.pid) === undefined) {
        throw new Error(`the chaincode server exited; its log ends:\n${logTail(files.log)}`);
      }
      return (await canConnect(port)) ? true : undefined;
    },
    { timeoutMs: 30_000, describeLast: () => logTail(files.log) },
  );
}

export async function stopChaincodeServer(ctx: NetworkContext, org: string): Promise<boolean> {
  return stopProcess(chaincodeFiles(ctx.layout, org).pid, `${org} chaincode server`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
