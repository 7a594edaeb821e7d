/**
 * CPU per chaincode execution of `pay`, fabric-contract-api dispatch versus
 * the direct dispatch (issue 15 part 3). A script, not a test: it prints
 * figures as JSON and asserts nothing about them.
 *
 *   npx tsx chaincode/scripts/dispatch-bench.ts [payments per run, default 3000] [runs, default 3]
 *   npx tsc -p chaincode/scripts   (type-checks the scripts; tsc -b does not build them)
 *
 * Each mode runs in its own child process, set up as the CCaaS server sets
 * itself up (server-setup.ts first: FABPAY_CHAINCODE_DISPATCH read once,
 * fabric-shim's logging quiet in the direct mode, as before in the contract
 * mode at fabric-shim's default INFO level), and measures two harnesses over
 * one funded in-memory ledger (every `pay` is endorsed against the same
 * committed state, never committed, so each does the same work):
 *
 * - `memory`: GuardedChaincode.invokeFunctionality over the unit tests'
 *   MemoryStub (the dispatch, identity, checks and domain code only);
 * - `shim`: fabric-shim's own ChaincodeMessageHandler and ChaincodeStub,
 *   driven by a simulated peer stream that sends the TRANSACTION message (a
 *   real SignedProposal) and answers every GET_STATE/PUT_STATE from the
 *   ledger, so protobuf, the stub and fabric-shim's per-message logging
 *   (to a log file, as the network runs the server) are included. The
 *   simulated peer's own work (encoding and decoding its side of each
 *   message) is timed and reported apart; `cpuUsPerPay` is without it.
 *
 * CPU is process.cpuUsage() (user + system) over the measured loop after a
 * warm-up, divided by the number of payments; the median run is reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Mode = 'contract' | 'direct';

/** One measured loop. */
interface Run {
  cpuUsPerPay: number;
  wallUsPerPay: number;
  /** shim harness only: CPU of the simulated peer per payment, excluded from cpuUsPerPay. */
  peerUsPerPay?: number;
}

/** What a child reports. */
interface ChildResult {
  mode: Mode;
  payments: number;
  memory: Run[];
  shim: Run[];
  /** Transactions the shim harness ran (the only one whose handler logs), warm-up included. */
  shimTransactions: number;
  logBytesPerPay: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const round = (x: number): number => Math.round(x * 10) / 10;

function summary(runs: Run[]) {
  const out: Record<string, number> = {
    cpuUsPerPay: round(median(runs.map((r) => r.cpuUsPerPay))),
    wallUsPerPay: round(median(runs.map((r) => r.wallUsPerPay))),
  };
  if (runs[0]?.peerUsPerPay !== undefined) {
    out.simulatedPeerUsPerPay = round(median(runs.map((r) => r.peerUsPerPay ?? 0)));
  }
  return out;
}

async function child(mode: Mode, payments: number, runs: number, dir: string): Promise<ChildResult> {
  const log = join(dir, `${mode}.log`);
  const fd = openSync(log, 'w');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, FABPAY_CHAINCODE_DISPATCH: mode };
  // The contract mode logs as a server always did: fabric-shim's default, INFO. Named explicitly
  // because the unit-test harness this script borrows would otherwise default it to CRITICAL.
  if (mode === 'contract') env.CORE_CHAINCODE_LOGGING_LEVEL = 'INFO';
  const proc = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), join(__dirname, 'dispatch-bench-child.ts'), String(payments), String(runs)],
    { env, stdio: ['ignore', fd, 'inherit', 'ipc'] },
  );
  const result = await new Promise<ChildResult>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as ChildResult));
    proc.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
  });
  closeSync(fd);
  result.logBytesPerPay = round(readFileSync(log).length / result.shimTransactions);
  return result;
}

async function main(): Promise<void> {
  const payments = Number(process.argv[2] ?? 3000);
  const runs = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'fabpay-dispatch-bench-'));
  const results: ChildResult[] = [];
  for (const mode of ['contract', 'direct'] as const) {
    results.push(await child(mode, payments, runs, dir));
  }
  const by = Object.fromEntries(
    results.map((r) => [
      r.mode,
      { memory: summary(r.memory), shim: summary(r.shim), logBytesPerPay: r.logBytesPerPay },
    ]),
  );
  const ratio = (h: 'memory' | 'shim') =>
    round(
      median(results[0]?.[h].map((r) => r.cpuUsPerPay) ?? []) /
        median(results[1]?.[h].map((r) => r.cpuUsPerPay) ?? []),
    );
  console.log(
    JSON.stringify(
      {
        transaction: 'pay',
        paymentsPerRun: payments,
        runs,
        node: process.version,
        ...by,
        contractOverDirect: { memory: ratio('memory'), shim: ratio('shim') },
      },
      null,
      2,
    ),
  );
}

void main();
