import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpGet } from '../util/http';
import { freePort } from '../util/ports';
import { run } from '../util/run';
import { waitFor } from '../util/wait';
import { readManifest, reportedVersion, type ManifestEntry } from './manifest';

/** One binary's self-reported version against the pin the manifest says was installed. */
export interface BinaryCheck {
  command: string;
  expected: string;
  reported: string | undefined;
  ok: boolean;
}

/**
 * Compares every installed binary's own version report with the installed pin.
 * osnadmin has no version command; it is reported as `undefined` and checked
 * through Go's embedded build information instead, when Go is available.
 */
export async function checkBinaryVersions(binDir: string): Promise<BinaryCheck[]> {
  const manifest = readManifest(binDir);
  const checks: BinaryCheck[] = [];
  for (const entry of Object.values(manifest)) {
    for (const command of entry.commands) {
      const binary = path.join(binDir, command);
      let reported = await reportedVersion(binary);
      if (reported === undefined && existsSync(binary)) {
        reported = await embeddedModuleVersion(binary, entry);
      }
      checks.push({ command, expected: entry.version, reported, ok: reported === entry.version });
    }
  }
  return checks;
}

/**
 * Checks, with `go version -m`, that Go embedded the pinned module version in
 * a binary; returns the pin's version when it did.
 */
async function embeddedModuleVersion(binary: string, entry: ManifestEntry): Promise<string | undefined> {
  const res = await run('go', ['version', '-m', binary], { allowFailure: true }).catch(() => undefined);
  const line = res?.stdout.split('\n').find((l) => l.includes(`\t${entry.module}\t`));
  return line?.includes(`\t${entry.goModuleVersion}\t`) ? entry.version : undefined;
}

/** What the CA smoke test did, for the CLI and tests to report. */
export interface CaSmokeResult {
  port: number;
  operationsPort: number;
  enrolledCertificate: string;
  serverPid: number;
  stopped: boolean;
}

/**
 * Proves the CA binaries are real: starts fabric-ca-server on free loopback
 * ports with a temporary home, enrolls its bootstrap admin with
 * fabric-ca-client, then stops the server and removes the home.
 */
export async function caSmokeTest(binDir: string): Promise<CaSmokeResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'fabpay-ca-smoke-'));
  const port = await freePort();
  const operationsPort = await freePort();
  const logFile = path.join(home, 'server.log');
  const log = openSync(logFile, 'a');
  const server = spawn(
    path.join(binDir, 'fabric-ca-server'),
    [
      'start',
      '-b',
      'admin:adminpw',
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--home',
      path.join(home, 'server'),
    ],
    {
      stdio: ['ignore', log, log],
      // The operations endpoint defaults to 127.0.0.1:9443, which peers and orderers also default to.
      env: { ...process.env, FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${operationsPort}` },
    },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  try {
    await waitFor(
      `fabric-ca-server to answer on 127.0.0.1:${port}/cainfo`,
      async () => ((await httpGet(`http://127.0.0.1:${port}/cainfo`)).status === 200 ? true : undefined),
      { timeoutMs: 30_000, describeLast: () => tail(logFile) },
    );
    const clientHome = path.join(home, 'client');
    await run(path.join(binDir, 'fabric-ca-client'), [
      'enroll',
      '-u',
      `http://admin:adminpw@127.0.0.1:${port}`,
      '--home',
      clientHome,
    ]);
    const enrolledCertificate = readFileSync(path.join(clientHome, 'msp', 'signcerts', 'cert.pem'), 'utf8');
    return { port, operationsPort, enrolledCertificate, serverPid: server.pid ?? -1, stopped: true };
  } finally {
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
