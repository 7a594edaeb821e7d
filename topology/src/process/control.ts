/**
 * Process control for every long-running process fabpay starts (CA servers, orderers, peers,
 * chaincode servers): start one detached with a log file and a PID record, tell whether it is
 * still running, signal, stop or kill it.
 *
 * A PID is never trusted alone: the kernel hands a dead process's PID to the next one, so a PID
 * file left by a crash may name an unrelated process. Every record carries the process's start
 * time and the boot ID; a process counts as ours only while both match, and no signal is sent to
 * a PID whose start time does not match its record (checked immediately before each signal; the
 * remaining window is the microseconds between that read and kill(2), which Node cannot close
 * without pidfd).
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ProcessStartError, ProcessStopError } from './errors';
import { logTail } from './log-tail';
import { bootId, commandLine, hasExited, procSnapshot, requireProcfs } from './procfs';
import {
  isVerifiable,
  readPidRecord,
  removePidRecord,
  removePidRecordIfSame,
  writePidRecord,
  type PidRecord,
  type VerifiableRecord,
} from './record';

/**
 * Which process a PID file is for. `command` and `args` are what it is started with; they are
 * also how a legacy PID file (a bare PID, written before start times were recorded) is judged.
 */
export interface ProcessRef {
  /** Human name for messages, e.g. `peer0.org1.example.com`. */
  name: string;
  pidFile: string;
  command: string;
  args: readonly string[];
}

/** How to start one long-running process. */
export interface ProcessSpec extends ProcessRef {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** File mode of the log (e.g. 0o600 when the process logs secrets); default per umask. */
  logMode?: number;
  /**
   * The network namespace to run it in (a host of the topology, see ../placement). `ip netns exec`
   * enters it, bind-mounts the namespace's hosts file over /etc/hosts and execs the command, so
   * the PID recorded is the command's own.
   */
  netns?: string;
}

/** What a PID file says, checked against the process table. */
export type ProcessState =
  | { status: 'running'; record: VerifiableRecord }
  /** No PID file. */
  | { status: 'absent' }
  /** The PID file named a process that is gone (exited, PID reused, or another boot); it was removed. */
  | { status: 'stale'; record: PidRecord; reason: string };

/**
 * The marker {@link stopProcess} leaves next to a PID file (`<pidFile>.stopped`) and
 * {@link startProcess} removes: it tells a process stopped on purpose (`down`, a chaincode server
 * restarted for a new package) from one that crashed, which a supervisor restarts. A SIGKILL from
 * {@link killProcess} (a fault) leaves none, like a real crash.
 */
export function stoppedMarker(ref: Pick<ProcessRef, 'pidFile'>): string {
  return `${ref.pidFile}.stopped`;
}

/** Whether the process was last stopped on purpose with {@link stopProcess} (and not started since). */
export function stoppedOnPurpose(ref: Pick<ProcessRef, 'pidFile'>): boolean {
  return existsSync(stoppedMarker(ref));
}

/**
 * Starts a process detached from this one (its own process group; it outlives the caller), with
 * stdout and stderr appended to its log file, and records PID, start time and boot ID.
 */
export function startProcess(spec: ProcessSpec): VerifiableRecord {
  requireProcfs();
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  rmSync(stoppedMarker(spec), { force: true });
  const fd =
    spec.logMode === undefined ? openSync(spec.logFile, 'a') : openSync(spec.logFile, 'a', spec.logMode);
  try {
    if (spec.logMode !== undefined) chmodSync(spec.logFile, spec.logMode);
    const [command, args] = spec.netns
      ? ['ip', ['netns', 'exec', spec.netns, spec.command, ...spec.args]]
      : [spec.command, [...spec.args]];
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    // A failed spawn reports through 'error' as well; without a listener that would crash us.
    child.on('error', () => undefined);
    // Reap the child if it exits while we still run, so it does not linger as a zombie.
    child.on('exit', () => undefined);
    if (child.pid === undefined) throw new ProcessStartError(spec.name, `spawn ${spec.command} failed`);
    // The child cannot have been reaped yet (that needs this event loop), so its /proc entry exists.
    const snap = procSnapshot(child.pid);
    if (!snap) {
      throw new ProcessStartError(
        spec.name,
        `pid ${child.pid} vanished at once; log:\n${logTail(spec.logFile)}`,
      );
    }
    const record: VerifiableRecord = {
      pid: child.pid,
      startTime: snap.startTime,
      bootId: bootId(),
      command: [spec.command, ...spec.args].join(' '),
    };
    writePidRecord(spec.pidFile, record);
    child.unref();
    return record;
  } finally {
    closeSync(fd);
  }
}

/** This process as a verifiable record: what a lock file names as its holder. */
export function selfRecord(): VerifiableRecord {
  const snap = procSnapshot(process.pid);
  if (!snap) throw new Error('cannot read this process in /proc');
  return { pid: process.pid, startTime: snap.startTime, bootId: bootId(), command: process.argv.join(' ') };
}

/** Whether the process of a verifiable record is still that process (same PID, start, boot; not a zombie). */
export function isSameProcess(record: VerifiableRecord): boolean {
  const snap = procSnapshot(record.pid);
  return (
    snap !== undefined &&
    !hasExited(snap) &&
    snap.startTime === record.startTime &&
    record.bootId === bootId()
  );
}

/**
 * The state of a process from its PID file. A stale file is removed. A legacy file (a bare PID)
 * counts as running only if that PID's command line is exactly `ref.command` + `ref.args`; it is
 * then rewritten with the process's start time, so from then on it is checked like any other.
 * (Legacy files come from a network started by an older fabpay; without this its processes
 * would be orphaned. Identical command lines, e.g. two peers, cannot be told apart this way; that
 * residual risk lasts only until the record is rewritten.)
 */
export function processState(ref: ProcessRef): ProcessState {
  const record = readPidRecord(ref.pidFile);
  if (!record) return { status: 'absent' };
  const stale = (reason: string): ProcessState => {
    removePidRecordIfSame(ref.pidFile, record);
    return { status: 'stale', record, reason };
  };
  const snap = procSnapshot(record.pid);
  if (!snap || hasExited(snap)) return stale(`pid ${record.pid} has exited`);
  if (!isVerifiable(record)) {
    const argv = commandLine(record.pid);
    const expected = [ref.command, ...ref.args];
    if (!argv || argv.length !== expected.length || argv.some((a, i) => a !== expected[i])) {
      return stale(
        `legacy PID file: pid ${record.pid} runs ${argv?.join(' ') ?? '(unknown)'}, not ${ref.name}`,
      );
    }
    const adopted: VerifiableRecord = {
      pid: record.pid,
      startTime: snap.startTime,
      bootId: bootId(),
      command: expected.join(' '),
    };
    writePidRecord(ref.pidFile, adopted);
    return { status: 'running', record: adopted };
  }
  if (record.bootId !== bootId()) return stale(`recorded under another boot (${record.bootId})`);
  if (snap.startTime !== record.startTime) {
    return stale(
      `pid ${record.pid} was reused: it started at tick ${snap.startTime}, the recorded process at ${record.startTime}`,
    );
  }
  return { status: 'running', record };
}

/** The PID of the process if it is running (see {@link processState}), else undefined. */
export function runningPid(ref: ProcessRef): number | undefined {
  const s = processState(ref);
  return s.status === 'running' ? s.record.pid : undefined;
}

/**
 * Sends a signal to the recorded process, only if it is still that process. Returns whether it
 * was sent. For faults such as SIGSTOP/SIGCONT; use {@link stopProcess} or {@link killProcess} to end one.
 */
export function signalRecorded(record: VerifiableRecord, signal: NodeJS.Signals): boolean {
  if (!isSameProcess(record)) return false;
  try {
    process.kill(record.pid, signal);
    return true;
  } catch {
    return false; // exited in between
  }
}

/** Sends a signal to the process of a PID file if it is running; returns its PID, or undefined. */
export function signalProcess(ref: ProcessRef, signal: NodeJS.Signals): number | undefined {
  const s = processState(ref);
  if (s.status !== 'running') return undefined;
  return signalRecorded(s.record, signal) ? s.record.pid : undefined;
}

/** Bounds of {@link stopProcess}. */
export interface StopOptions {
  /** How long SIGTERM gets before SIGKILL. Default 15 s. */
  graceMs?: number;
  /** How long to wait for the process to vanish after SIGKILL. Default 10 s. */
  killWaitMs?: number;
}

/**
 * Stops the process of a PID file: SIGTERM, then SIGKILL if it has not exited within the grace
 * period, each only while the PID still is the recorded process. Removes the PID file and leaves
 * the {@link stoppedMarker} (also when nothing was running: the intent is "stopped").
 * @returns whether a process was running.
 * @throws {@link ProcessStopError} if it survives SIGKILL past `killWaitMs`.
 */
export async function stopProcess(ref: ProcessRef, opts: StopOptions = {}): Promise<boolean> {
  // Written before the signal, so a supervisor polling meanwhile never takes the exit for a crash.
  mkdirSync(path.dirname(ref.pidFile), { recursive: true });
  writeFileSync(stoppedMarker(ref), `${new Date().toISOString()}\n`);
  const s = processState(ref);
  if (s.status !== 'running') return false;
  const { record } = s;
  const graceMs = opts.graceMs ?? 15_000;
  const killWaitMs = opts.killWaitMs ?? 10_000;
  signalRecorded(record, 'SIGTERM');
  if (!(await exited(record, graceMs))) {
    signalRecorded(record, 'SIGKILL');
    if (!(await exited(record, killWaitMs))) throw new ProcessStopError(ref.name, record.pid, killWaitMs);
  }
  removePidRecord(ref.pidFile);
  return true;
}

/**
 * SIGKILLs the process of a PID file (a crash, for fault tests) and waits until it is gone. The
 * PID file stays, as after a real crash.
 * @returns the PID killed, or undefined if nothing was running.
 */
export async function killProcess(ref: ProcessRef, waitMs = 10_000): Promise<number | undefined> {
  const s = processState(ref);
  if (s.status !== 'running') return undefined;
  signalRecorded(s.record, 'SIGKILL');
  if (!(await exited(s.record, waitMs))) throw new ProcessStopError(ref.name, s.record.pid, waitMs);
  return s.record.pid;
}

/** Polls until the recorded process is gone; false if it is still there after `timeoutMs`. */
async function exited(record: VerifiableRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isSameProcess(record)) {
    if (Date.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}
