import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { killProcess, runningPid, startProcess, stopProcess, type ProcessSpec } from '@fabpay/topology';
import { superviseProcesses, type Supervised, type SupervisorEvent } from './supervisor';

/** The loop against real processes (`sleep`), started and signalled through process control. */
describe('superviseProcesses', () => {
  let dir: string;
  let abort: AbortController;
  let loop: Promise<void> | undefined;
  const events: (SupervisorEvent & { time: string })[] = [];
  const spec = (name: string): ProcessSpec => ({
    name,
    command: 'sleep',
    args: ['60'],
    pidFile: path.join(dir, `${name}.pid`),
    logFile: path.join(dir, `${name}.log`),
  });
  const watch = (s: ProcessSpec): Supervised => ({
    kind: 'chaincode',
    ref: s,
    restart: () => Promise.resolve(startProcess(s).pid),
  });
  const until = async <T>(what: string, check: () => T | undefined, ms = 5_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await delay(20);
    }
  };
  const run = (watched: Supervised[]): void => {
    loop = superviseProcesses(watched, {
      pollMs: 50,
      backoff: { initialMs: 100, factor: 2, maxMs: 400, resetAfterMs: 60_000 },
      log: (e) => events.push(e),
      signal: abort.signal,
    });
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-supervisor-'));
    abort = new AbortController();
    events.length = 0;
  });
  afterEach(async () => {
    abort.abort();
    await loop;
    for (const name of ['a', 'b']) await stopProcess(spec(name), { graceMs: 500 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a SIGKILLed process with a new pid and logs the crash, the restart and the recovery', async () => {
    const a = spec('a');
    const first = startProcess(a).pid;
    run([watch(a)]);
    await until('the loop to watch', () => events.find((e) => e.event === 'watching'));
    await delay(120); // a poll sees it running
    await killProcess(a);
    const back = await until('a new pid', () => {
      const pid = runningPid(a);
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    await until('the recovery event', () => events.find((e) => e.event === 'recovered'));
    expect(events.map((e) => e.event)).toEqual([
      'watching',
      'crashed',
      'restarting',
      'restarted',
      'recovered',
    ]);
    expect(events[1]).toMatchObject({ process: 'a', attempt: 1, restartInMs: 100, lastPid: first });
    expect(events[3]).toMatchObject({ process: 'a', attempt: 1, pid: back });
  });

  it('leaves a process stopped on purpose alone, and one it never saw running', async () => {
    const a = spec('a');
    const b = spec('b');
    startProcess(a);
    run([watch(a), watch(b)]);
    await delay(120);
    await stopProcess(a, { graceMs: 500 });
    await delay(500);
    expect(runningPid(a)).toBeUndefined();
    expect(runningPid(b)).toBeUndefined();
    expect(events.map((e) => e.event)).toEqual(['watching']);
  });

  it('backs off while a restart keeps failing, and logs each failure', async () => {
    const a = spec('a');
    startProcess(a);
    let failures = 0;
    run([
      {
        kind: 'peer',
        ref: a,
        restart: () => {
          failures++;
          return Promise.reject(new Error('port 7110 is already in use'));
        },
      },
    ]);
    await delay(120);
    await killProcess(a);
    await until('three failed restarts', () => (failures >= 3 ? true : undefined));
    // The first three crashes seen (a fourth may be logged already).
    const crashed = events.filter((e) => e.event === 'crashed').slice(0, 3);
    expect(crashed.map((e) => ('restartInMs' in e ? e.restartInMs : undefined))).toEqual([100, 200, 400]);
    expect(events.filter((e) => e.event === 'restart-failed')[0]).toMatchObject({
      process: 'a',
      error: 'port 7110 is already in use',
    });
  });
});
