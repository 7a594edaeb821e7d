/**
 * What Linux says about a PID, read from procfs: enough to tell the process we started from a
 * later one that was given the same PID. A PID alone is not an identity (the kernel recycles
 * them); PID + start time (field 22 of /proc/<pid>/stat, clock ticks since boot) + boot ID is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ProcfsUnavailableError } from './errors';

/** A live (or zombie) process as procfs shows it. */
export interface ProcSnapshot {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
  startTime: number;
  /**
   * Field 3, of the main thread: R, S, D, T (stopped, e.g. by SIGSTOP), Z (zombie: exited, not
   * reaped), ... A Z main thread does not mean the process has exited: see {@link hasExited}.
   */
  state: string;
  /** Field 20: threads not yet released, the exited main thread included. */
  threads: number;
}

/**
 * Whether the process has exited (and only awaits reaping). Its main thread may exit (Z) before
 * its other threads do, which still run and hold its open files, listening sockets included:
 * Go programs exiting and pthread_exit from main both show it. Only when no other thread is left
 * has the process let go of everything.
 */
export function hasExited(snap: ProcSnapshot | undefined): boolean {
  return snap === undefined || (snap.state === 'Z' && snap.threads <= 1);
}

/** Throws {@link ProcfsUnavailableError} when this is not a Linux with /proc mounted. */
export function requireProcfs(): void {
  if (!existsSync('/proc/self/stat')) throw new ProcfsUnavailableError();
}

/** The process with this PID, or undefined if there is none. */
export function procSnapshot(pid: number): ProcSnapshot | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    requireProcfs();
    return undefined;
  }
  return parseStat(pid, stat);
}

/**
 * Parses /proc/<pid>/stat. Field 2 is the command name in parentheses and may itself contain
 * spaces and parentheses, so the remaining fields are counted from the last ')'.
 */
export function parseStat(pid: number, stat: string): ProcSnapshot | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field 20 (num_threads) is rest[17], field 22 (starttime) rest[19].
  const state = rest[0];
  const threads = Number(rest[17]);
  const startTime = Number(rest[19]);
  if (!state || !Number.isSafeInteger(startTime) || !Number.isSafeInteger(threads)) return undefined;
  return { pid, startTime, state, threads };
}

/** This boot's ID: PIDs and start times recorded under another boot mean nothing now. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    requireProcfs();
    return 'unknown';
  }
}

/** The argument vector of a process (argv[0] first), or undefined if it cannot be read. */
export function commandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // NUL-separated with a trailing NUL; a zombie's is empty.
    return raw.length ? raw.replace(/\0$/, '').split('\0') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a PID names a process that has not exited (see {@link hasExited}). */
export function processAlive(pid: number): boolean {
  return !hasExited(procSnapshot(pid));
}
