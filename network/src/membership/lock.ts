/**
 * One membership change at a time per network. Each command reads the topology file, the channel
 * config and the consenter set, then changes them: two at once would lose one's topology edit, or
 * put two consenter changes in flight where Raft takes one at a time. The lock file names its
 * holder by PID, start time and boot (the process-control record), so a lock left by a command
 * that was killed is taken over rather than blocking the network for good.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSameProcess, readPidRecord, selfRecord } from '@fabpay/topology';

/** Another membership change holds the lock; nothing was changed. */
export class MembershipBusyError extends Error {
  override readonly name = 'MembershipBusyError';
}

function holderText(file: string): string {
  const what = /^what=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 'a membership command';
  const r = readPidRecord(file);
  return `${what} (pid ${r?.pid ?? '?'})`;
}

function holderAlive(file: string): boolean {
  const r = readPidRecord(file);
  return !!r && r.startTime !== undefined && r.bootId !== undefined && isSameProcess(r as Required<typeof r>);
}

/**
 * Runs `fn` holding the membership lock of the network whose run directory is `dir`.
 * @throws MembershipBusyError when another live process holds it.
 */
export async function withMembershipLock<T>(dir: string, what: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'membership.lock');
  const me = selfRecord();
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${me.pid}\nstarttime=${me.startTime}\nboot_id=${me.bootId}\nwhat=${what}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        // link() fails if the lock exists: taking it is atomic.
        linkSync(tmp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (holderAlive(file) || attempt > 0) {
          throw new MembershipBusyError(
            `another membership change is running: ${holderText(file)}; wait for it to finish, then run this again`,
          );
        }
        rmSync(file, { force: true }); // its holder is gone
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
