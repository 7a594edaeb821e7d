/**
 * Process control for long-running servers: start detached with a log file and a PID file, find
 * out whether the recorded process is alive, stop it by PID and wait until it has exited.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface StartSpec {
  /** Human name used in messages, e.g. "Org1 intermediate CA". */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
}

/** True when a process with this PID exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID recorded in a PID file, if the file exists and holds a number. */
export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** PID of the running process recorded in the PID file; removes a stale PID file. */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isAlive(pid) && !isZombie(pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** A child that exited but was not reaped still answers signal 0; /proc tells the truth on Linux. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Starts a detached process whose stdout and stderr append to the log file, and records its PID.
 * The process outlives the caller (its own process group, not waited on).
 */
export function startDetached(spec: StartSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  // Owner-only: fabric-ca-server logs its configuration, including the parent CA URL with credentials.
  const log = openSync(spec.logFile, 'a', 0o600);
  chmodSync(spec.logFile, 0o600);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.label} (${spec.command})`);
    // Reap the child if it exits while we are still running, so it never lingers as a zombie.
    child.on('exit', () => undefined);
    child.on('error', () => undefined);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * Stops the process recorded in the PID file: SIGTERM, then SIGKILL if it has not exited within
 * `graceMs`; waits until it is gone and removes the PID file.
 * @returns true if a process was running.
 */
export async function stopByPidFile(pidFile: string, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  await stopPid(pid, graceMs);
  rmSync(pidFile, { force: true });
  return true;
}

/** Sends SIGTERM, escalates to SIGKILL after `graceMs`, and polls until the process is gone. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  const gone = (): boolean => !isAlive(pid) || isZombie(pid);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (!gone() && Date.now() < deadline) await delay(50);
  if (!gone()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (!gone()) await delay(50);
  }
}

/** The last lines of a log file, for error messages. */
export function tailLog(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '(no log file)';
  const all = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
