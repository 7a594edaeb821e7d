/**
 * Optional CPU profiles of the chaincode server, for measurement (`npm run bench -- --profile`):
 * with FABPAY_CPU_PROFILE_DIR set, SIGUSR2 starts a profile and the next SIGUSR2 (or stopping the
 * server) writes it to `<dir>/chaincode-<pid>-<n>.cpuprofile` (Chrome DevTools format, as
 * `node --cpu-prof` writes; that flag is not allowed in NODE_OPTIONS, and a signal lets the bench
 * profile exactly its measured window).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/** The environment variable naming the profile directory. */
export const CPU_PROFILE_ENV = 'FABPAY_CPU_PROFILE_DIR';

/** The signal that starts and stops a profile. */
export const CPU_PROFILE_SIGNAL = 'SIGUSR2';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

/** Starts and stops profiles of this process into one directory. */
export class CpuProfiler {
  private session?: Session;
  private count = 0;

  constructor(readonly dir: string) {}

  get running(): boolean {
    return this.session !== undefined;
  }

  async start(): Promise<void> {
    if (this.session) return;
    mkdirSync(this.dir, { recursive: true });
    const session = new Session();
    session.connect();
    this.session = session;
    await post(session, 'Profiler.enable');
    // 1 ms, twice node --cpu-prof's default interval: a long run's profile stays small.
    await post(session, 'Profiler.setSamplingInterval', { interval: 1000 });
    await post(session, 'Profiler.start');
  }

  /** Writes the running profile; the file, or undefined when none was running. */
  async stop(): Promise<string | undefined> {
    const session = this.session;
    if (!session) return undefined;
    this.session = undefined;
    const { profile } = await post<{ profile: object }>(session, 'Profiler.stop');
    session.disconnect();
    this.count += 1;
    const file = path.join(this.dir, `chaincode-${process.pid}-${this.count}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  }
}

/**
 * With FABPAY_CPU_PROFILE_DIR set, toggles a profile on every SIGUSR2 and reports each written
 * file through `log`; returns the profiler (undefined without the variable).
 */
export function profileOnSignal(
  log: (line: string) => void,
  dir: string | undefined = process.env[CPU_PROFILE_ENV],
): CpuProfiler | undefined {
  if (!dir) return undefined;
  const profiler = new CpuProfiler(dir);
  process.on(CPU_PROFILE_SIGNAL, () => {
    const toggle = profiler.running
      ? profiler.stop().then((file) => log(`CPU profile written: ${file}`))
      : profiler.start().then(() => log('CPU profile started'));
    toggle.catch((err: unknown) => log(`CPU profile failed: ${String(err)}`));
  });
  return profiler;
}
