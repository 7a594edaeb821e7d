import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  killProcess,
  processState,
  runningPid,
  signalProcess,
  startProcess,
  stopProcess,
  stoppedOnPurpose,
  type ProcessRef,
  type ProcessSpec,
} from './control';
import { bootId, parseStat, procSnapshot, processAlive } from './procfs';
import { readPidRecord, removePidRecordIfSame, writePidRecord } from './record';

let dir: string;
const children: ChildProcess[] = [];
const started: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fabpay-proc-'));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** An unrelated process this test owns (not started through the module), and how it ended. */
function unrelatedSleep(): {
  child: ChildProcess;
  pid: number;
  ended: () => NodeJS.Signals | 'exited' | undefined;
} {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  let end: NodeJS.Signals | 'exited' | undefined;
  child.once('exit', (_code, signal) => (end = signal ?? 'exited'));
  return { child, pid: child.pid!, ended: () => end };
}

function spec(name: string, command: string, args: string[]): ProcessSpec {
  return {
    name,
    command,
    args,
    pidFile: path.join(dir, `${name}.pid`),
    logFile: path.join(dir, `${name}.log`),
  };
}

function start(s: ProcessSpec): number {
  const { pid } = startProcess(s);
  started.push(pid);
  return pid;
}

describe('a recycled PID', () => {
  it('is not running and is never signalled when its start time differs from the record', async () => {
    const sleep = unrelatedSleep();
    const real = procSnapshot(sleep.pid)!;
    // The recorded process crashed and the kernel gave its PID to this unrelated sleep.
    const ref: ProcessRef = {
      name: 'peer0',
      pidFile: path.join(dir, 'node.pid'),
      command: 'sleep',
      args: ['30'],
    };
    writePidRecord(ref.pidFile, {
      pid: sleep.pid,
      startTime: real.startTime - 1,
      bootId: bootId(),
      command: 'peer',
    });

    expect(runningPid(ref)).toBeUndefined();
    expect(existsSync(ref.pidFile)).toBe(false); // the stale record is cleaned

    writePidRecord(ref.pidFile, { pid: sleep.pid, startTime: real.startTime - 1, bootId: bootId() });
    expect(await stopProcess(ref, { graceMs: 200 })).toBe(false);
    writePidRecord(ref.pidFile, { pid: sleep.pid, startTime: real.startTime - 1, bootId: bootId() });
    expect(await killProcess(ref)).toBeUndefined();
    writePidRecord(ref.pidFile, { pid: sleep.pid, startTime: real.startTime - 1, bootId: bootId() });
    expect(signalProcess(ref, 'SIGSTOP')).toBeUndefined();

    await delay(300);
    expect(sleep.ended()).toBeUndefined();
    expect(procSnapshot(sleep.pid)?.state).toBe('S');
  });

  it('is not running when recorded under another boot', () => {
    const sleep = unrelatedSleep();
    const ref: ProcessRef = { name: 'x', pidFile: path.join(dir, 'x.pid'), command: 'sleep', args: ['30'] };
    const { startTime } = procSnapshot(sleep.pid)!;
    writePidRecord(ref.pidFile, { pid: sleep.pid, startTime, bootId: 'another-boot' });
    expect(processState(ref)).toMatchObject({
      status: 'stale',
      reason: expect.stringContaining('another boot'),
    });
    expect(existsSync(ref.pidFile)).toBe(false);
  });

  it('in a legacy PID file (no start time) is stale unless the command line is the expected one', async () => {
    const sleep = unrelatedSleep();
    const ref: ProcessRef = {
      name: 'orderer0',
      pidFile: path.join(dir, 'node.pid'),
      command: '/bin/orderer',
      args: [],
    };
    writeFileSync(ref.pidFile, `${sleep.pid}\n`);
    expect(await stopProcess(ref, { graceMs: 200 })).toBe(false);
    expect(existsSync(ref.pidFile)).toBe(false);
    await delay(200);
    expect(sleep.ended()).toBeUndefined();
  });
});

describe('a process the module started', () => {
  it('is running while it runs, and stop() terminates it and removes its PID file', async () => {
    const s = spec('sleeper', 'sleep', ['30']);
    const pid = start(s);
    const record = readPidRecord(s.pidFile)!;
    expect(record).toEqual({
      pid,
      startTime: procSnapshot(pid)!.startTime,
      bootId: bootId(),
      command: 'sleep 30',
    });
    expect(runningPid(s)).toBe(pid);

    expect(await stopProcess(s)).toBe(true);
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(s.pidFile)).toBe(false);
    expect(await stopProcess(s)).toBe(false);
  });

  it('tells a stop on purpose from a crash: stop() marks it, a SIGKILL does not, start() clears it', async () => {
    const s = spec('marked', 'sleep', ['30']);
    start(s);
    expect(stoppedOnPurpose(s)).toBe(false);
    await killProcess(s);
    expect(stoppedOnPurpose(s)).toBe(false);
    expect(processState(s).status).toBe('stale');
    start(s);
    await stopProcess(s);
    expect(stoppedOnPurpose(s)).toBe(true);
    start(s);
    expect(stoppedOnPurpose(s)).toBe(false);
  });

  it('leaves a stale record when it exits on its own, which the next look cleans', async () => {
    const s = spec('short', 'sh', ['-c', 'exit 0']);
    start(s);
    for (let i = 0; i < 100 && runningPid(s) !== undefined; i++) await delay(20);
    expect(existsSync(s.pidFile)).toBe(false);
    expect(processState(s)).toEqual({ status: 'absent' });
  });

  it('is SIGKILLed within the bound when it ignores SIGTERM', async () => {
    // `exec` so that the process holding the PID is the one ignoring SIGTERM.
    const s = spec('stubborn', 'sh', ['-c', 'trap "" TERM; exec sleep 30']);
    const pid = start(s);
    for (let i = 0; i < 50 && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'); i++)
      await delay(20);
    const t = Date.now();
    expect(await stopProcess(s, { graceMs: 500, killWaitMs: 2_000 })).toBe(true);
    const took = Date.now() - t;
    expect(took).toBeGreaterThanOrEqual(500); // SIGTERM was ignored for the whole grace period
    expect(took).toBeLessThan(2_500);
    expect(processAlive(pid)).toBe(false);
  });

  it('is still running while its main thread is a zombie and another thread holds its socket', async () => {
    // A multi-threaded process (Go, fabric-ca-server) can show its main thread as exited (Z) while
    // other threads still run and hold its listening sockets; a stop that returns then leaves the
    // port taken. Here the main thread leaves with pthread_exit and a second thread lives on.
    const script = [
      'import ctypes, socket, threading, time',
      "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()",
      'print(s.getsockname()[1], flush=True)',
      'threading.Thread(target=lambda: time.sleep(30)).start()',
      'ctypes.CDLL(None).pthread_exit(None)',
    ].join('\n');
    const s = spec('zombie-leader', 'python3', ['-c', script]);
    const pid = start(s);
    for (let i = 0; i < 100 && procSnapshot(pid)?.state !== 'Z'; i++) await delay(20);
    expect(procSnapshot(pid)).toMatchObject({ state: 'Z', threads: 2 });
    const port = Number(readFileSync(s.logFile, 'utf8').trim());
    expect(processAlive(pid)).toBe(true);
    expect(runningPid(s)).toBe(pid);
    expect(await stopProcess(s, { graceMs: 2_000 })).toBe(true);
    expect(processAlive(pid)).toBe(false);
    // Its socket is released: the port can be bound again.
    await new Promise<void>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  });

  it('can be paused and resumed (SIGSTOP/SIGCONT) and killed like a crash', async () => {
    const s = spec('pausable', 'sleep', ['30']);
    const pid = start(s);
    expect(signalProcess(s, 'SIGSTOP')).toBe(pid);
    for (let i = 0; i < 50 && procSnapshot(pid)?.state !== 'T'; i++) await delay(20);
    expect(procSnapshot(pid)?.state).toBe('T');
    expect(runningPid(s)).toBe(pid); // stopped is not gone
    expect(signalProcess(s, 'SIGCONT')).toBe(pid);
    expect(await killProcess(s)).toBe(pid);
    expect(processAlive(pid)).toBe(false);
  });

  it('is adopted from a legacy PID file when its command line matches, and the record is upgraded', async () => {
    const sleep = unrelatedSleep();
    const ref: ProcessRef = {
      name: 'legacy',
      pidFile: path.join(dir, 'legacy.pid'),
      command: 'sleep',
      args: ['30'],
    };
    writeFileSync(ref.pidFile, `${sleep.pid}\n`);
    expect(runningPid(ref)).toBe(sleep.pid);
    expect(readPidRecord(ref.pidFile)).toMatchObject({
      pid: sleep.pid,
      startTime: procSnapshot(sleep.pid)!.startTime,
    });
    expect(await stopProcess(ref, { graceMs: 2_000 })).toBe(true);
    await delay(50);
    expect(sleep.ended()).toBe('SIGTERM');
  });
});

describe('/proc/<pid>/stat', () => {
  it('is parsed from the last parenthesis (command names may contain spaces and parentheses)', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    expect(parseStat(7, `7 (a) (b c) ${fields.join(' ')}`)).toEqual({
      pid: 7,
      state: 'S',
      threads: 20,
      startTime: 22,
    });
  });
});

describe('the PID file', () => {
  it('reads a legacy bare PID, and writes line 1 as the bare PID', () => {
    const file = path.join(dir, 'a.pid');
    writeFileSync(file, '4242\n');
    expect(readPidRecord(file)).toEqual({ pid: 4242 });
    writePidRecord(file, { pid: 4243, startTime: 9, bootId: 'b', command: 'peer node start' });
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('4243');
    expect(readPidRecord(file)).toEqual({ pid: 4243, startTime: 9, bootId: 'b', command: 'peer node start' });
  });

  it('is removed as stale only while it still holds the stale record (not one written since)', () => {
    const file = path.join(dir, 'b.pid');
    writePidRecord(file, { pid: 4243, startTime: 10, bootId: 'b' });
    removePidRecordIfSame(file, { pid: 4243, startTime: 9, bootId: 'b' });
    expect(existsSync(file)).toBe(true);
    removePidRecordIfSame(file, { pid: 4243, startTime: 10, bootId: 'b' });
    expect(existsSync(file)).toBe(false);
  });
});
