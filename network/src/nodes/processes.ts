import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../util/wait';

/** How to start one long-running network process (orderer, peer, chaincode server). */
export interface ProcessSpec {
  /** Human name for messages, e.g. `peer0.org1.example.com`. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
}

/**
 * Whether a process is alive. A zombie (exited, not yet reaped by its parent) still answers
 * signal 0 but is gone for every purpose here.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** The pid recorded in a PID file, if the file exists and the process is alive. */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? pid : undefined;
}

/**
 * Starts a process detached from this one (it outlives the CLI), with stdout and stderr appended
 * to its log file and its pid in its PID file. Returns the pid.
 */
export function startProcess(spec: ProcessSpec): number {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  mkdirSync(path.dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * Stops the process of a PID file: SIGTERM, then SIGKILL if it has not exited in time. Waits
 * until it is gone and removes the PID file. Returns false if nothing was running.
 */
export async function stopProcess(pidFile: string, name: string, timeoutMs = 15_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signal(pid, 'SIGTERM');
  try {
    await waitFor(
      `${name} (pid ${pid}) to exit`,
      async () => (runningPid(pidFile) === undefined ? true : undefined),
      {
        timeoutMs,
        intervalMs: 100,
      },
    );
  } catch {
    signal(pid, 'SIGKILL');
    await waitFor(
      `${name} (pid ${pid}) to exit after SIGKILL`,
      async () => (runningPid(pidFile) === undefined ? true : undefined),
      {
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );
  }
  rmSync(pidFile, { force: true });
  return true;
}

/** Sends SIGKILL (a crash, for fault tests) and waits until the process is gone. */
export async function killProcess(pidFile: string, name: string): Promise<number | undefined> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return undefined;
  signal(pid, 'SIGKILL');
  await waitFor(
    `${name} (pid ${pid}) to die`,
    async () => (runningPid(pidFile) === undefined ? true : undefined),
    {
      timeoutMs: 10_000,
      intervalMs: 50,
    },
  );
  return pid;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
