import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MembershipBusyError, withMembershipLock } from './lock';

describe('one membership change at a time', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second change while the first runs, then lets the next one in', async () => {
    let release!: () => void;
    const first = withMembershipLock(
      dir,
      'orderer add',
      () => new Promise<string>((r) => (release = () => r('first'))),
    );
    await expect(withMembershipLock(dir, 'org add Org3', () => Promise.resolve('second'))).rejects.toThrow(
      MembershipBusyError,
    );
    await expect(withMembershipLock(dir, 'org add Org3', () => Promise.resolve('x'))).rejects.toThrow(
      /another membership change is running: orderer add \(pid \d+/,
    );
    release();
    await expect(first).resolves.toBe('first');
    await expect(withMembershipLock(dir, 'org add Org3', () => Promise.resolve('third'))).resolves.toBe(
      'third',
    );
  });

  it('takes over a lock whose holder is gone (a command killed mid-way)', async () => {
    const child = spawn('true');
    const pid = await new Promise<number>((r) => child.on('exit', () => r(child.pid!)));
    const file = path.join(dir, 'membership.lock');
    writeFileSync(
      file,
      `${pid}\nstarttime=1\nboot_id=${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}\nwhat=org add\n`,
    );
    await expect(withMembershipLock(dir, 'org remove Org3', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('releases the lock when the change fails', async () => {
    await expect(withMembershipLock(dir, 'a', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(withMembershipLock(dir, 'b', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
