/**
 * `npm run test:loaded`: the live suites, several times in a row, while CPU burners compete with
 * the network for the machine's cores. It shows the suites do not depend on an idle machine.
 *
 *   npm run test:loaded -- [--runs 3] [--burners 2] [--max-minutes 150] [--json]
 *
 * Each run is `npm run test:live` (which brings the shared live network up and removes it). The
 * burners are bounded by --max-minutes and by this process: they stop when it stops.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { repoRoot } from '@fabpay/topology';
import { startBurners } from './cpu-burners';

interface RunResult {
  run: number;
  exitCode: number;
  seconds: number;
}

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a whole number ≥ 0, got ${raw}`);
  return n;
}

function liveRun(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'test:live'], { cwd: repoRoot(), stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      burners: { type: 'string', default: '2' },
      'max-minutes': { type: 'string', default: '150' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = positiveInt('runs', values.runs);
  const count = positiveInt('burners', values.burners);
  const maxMinutes = positiveInt('max-minutes', values['max-minutes']);
  const burners = startBurners(count, maxMinutes * 60_000);
  const stop = (): void => void burners.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`[loaded] ${count} CPU burner(s) running (pids ${burners.pids.join(', ')})\n`);
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      process.stderr.write(`[loaded] live run ${run} of ${runs}\n`);
      const t = Date.now();
      const exitCode = await liveRun();
      results.push({ run, exitCode, seconds: Math.round((Date.now() - t) / 1000) });
      process.stderr.write(
        `[loaded] live run ${run}: ${exitCode === 0 ? 'passed' : `FAILED (exit ${exitCode})`}\n`,
      );
    }
  } finally {
    await burners.stop();
  }
  const failed = results.filter((r) => r.exitCode !== 0).length;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ burners: count, runs: results, failed })}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(
        `run ${r.run}: ${r.exitCode === 0 ? 'passed' : `failed (exit ${r.exitCode})`} in ${r.seconds} s\n`,
      );
    }
    process.stdout.write(`${runs - failed} of ${runs} live runs passed beside ${count} CPU burner(s)\n`);
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test:loaded: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
