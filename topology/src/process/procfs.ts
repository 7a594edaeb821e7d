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
  /** Field 3: R, S, D, T (stopped, e.g. by SIGSTOP), Z (zombie: exited, not reaped), ... */
  state: string;
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
  // rest[0] is field 3 (state), so field 22 (starttime) is rest[19].
  const state = rest[0];
  const startTime = Number(rest[19]);
  if (!state || !Number.isSafeInteger(startTime)) return undefined;
  return { pid, startTime, state };
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

/** Whether a PID names a process that has not exited (a zombie has exited: it only awaits reaping). */
export function processAlive(pid: number): boolean {
  const snap = procSnapshot(pid);
  return snap !== undefined && snap.state !== 'Z';
}
