/**
 * The PID file: which process we started, as an identity that survives PID reuse.
 *
 * Format (line 1 is the bare PID, so `kill $(head -1 node.pid)` and eyes still work):
 *
 *     12345
 *     starttime=987654
 *     boot_id=5f0c...
 *     command=/path/to/peer node start
 *
 * A file of only a PID is the format before start times were recorded (a *legacy* record).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The process a PID file names. */
export interface PidRecord {
  pid: number;
  /** Start time (clock ticks since boot, /proc/<pid>/stat field 22); absent in a legacy record. */
  startTime?: number;
  /** /proc/sys/kernel/random/boot_id when it was started; absent in a legacy record. */
  bootId?: string;
  /** The command line it was started with, for messages. */
  command?: string;
}

/** A record that names a process by PID, start time and boot: the only kind ever signalled. */
export type VerifiableRecord = Required<Pick<PidRecord, 'pid' | 'startTime' | 'bootId'>> & PidRecord;

export function isVerifiable(record: PidRecord): record is VerifiableRecord {
  return record.startTime !== undefined && record.bootId !== undefined;
}

/** The record in a PID file; undefined when there is no file or it holds no PID. */
export function readPidRecord(pidFile: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const [first, ...rest] = text.split('\n');
  const pid = Number((first ?? '').trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const fields = new Map<string, string>();
  for (const line of rest) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const record: PidRecord = { pid };
  const startTime = Number(fields.get('starttime'));
  if (fields.has('starttime') && Number.isSafeInteger(startTime)) record.startTime = startTime;
  const boot = fields.get('boot_id');
  if (boot) record.bootId = boot;
  const command = fields.get('command');
  if (command) record.command = command;
  return record;
}

/** Writes a PID file atomically (a reader never sees half a record). */
export function writePidRecord(pidFile: string, record: PidRecord): void {
  mkdirSync(path.dirname(pidFile), { recursive: true });
  const lines = [String(record.pid)];
  if (record.startTime !== undefined) lines.push(`starttime=${record.startTime}`);
  if (record.bootId !== undefined) lines.push(`boot_id=${record.bootId}`);
  // One line: newlines in arguments would end the field.
  if (record.command !== undefined) lines.push(`command=${record.command.replace(/\n/g, ' ')}`);
  const tmp = `${pidFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${lines.join('\n')}\n`);
  renameSync(tmp, pidFile);
}

export function removePidRecord(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

/**
 * Removes a PID file only if it still holds `record`: another process may have started the
 * server again and written a new record since this one was read.
 */
export function removePidRecordIfSame(pidFile: string, record: PidRecord): void {
  const now = readPidRecord(pidFile);
  if (now && now.pid === record.pid && now.startTime === record.startTime) removePidRecord(pidFile);
}
