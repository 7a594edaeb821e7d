/**
 * CPU burners: busy processes that compete with the network for the machine's cores, to show the
 * live suites pass on a loaded machine. Each burner is bounded on its own: it stops after
 * `maxMs`, or as soon as the process that started it is gone, so none outlives a crashed run.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A burner's program: spin, checking the clock and the parent between short bursts (the parent's
 * PID changes to 1 or a subreaper's when it dies).
 */
const BURNER = `
const [maxMs, parent] = process.argv.slice(1).map(Number);
const end = Date.now() + maxMs;
let x = 0;
while (Date.now() < end && process.ppid === parent) {
  for (let i = 0; i < 1e6; i++) x = (x * 31 + i) % 1000003;
}
`;

/** Running burners; `stop` ends them and resolves once they have exited. */
export interface Burners {
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** Starts `count` burners, each ending by itself after `maxMs` at the latest. */
export function startBurners(count: number, maxMs: number): Burners {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`burners: count must be a whole number ≥ 0, got ${count}`);
  if (!(maxMs > 0)) throw new Error(`burners: maxMs must be positive, got ${maxMs}`);
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', BURNER, String(maxMs), String(process.pid)], { stdio: 'ignore' }),
  );
  const exits = children.map(
    (c) =>
      new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve()))),
  );
  return {
    pids: children.map((c) => c.pid ?? -1),
    async stop() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await Promise.all(exits);
    },
  };
}
