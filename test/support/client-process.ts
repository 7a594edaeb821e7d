/**
 * Runs a payment load in a separate client process (load-child.ts), so a fault run can SIGKILL the
 * client itself: the child records its history in a file, event by event, and reports progress
 * over IPC; after the kill the parent reads what the child's callers had been told.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionProfileFile, processAlive, type NetworkContext } from '@fabpay/network';
import { repoRoot } from '@fabpay/topology';
import { eventsFromLines, type HistoryEvent, type PaymentSpec } from './history';
import { within } from './payments-kit';

/** What the child is asked to do (its job file). */
export interface LoadJob {
  readonly profile: string;
  readonly identityStore: string;
  readonly identityLabel: string;
  readonly channel: string;
  readonly chaincode: string;
  readonly eventsFile: string;
  readonly specs: readonly (Omit<PaymentSpec, 'amount'> & { readonly amount: string })[];
}

/** Messages the child sends over IPC. */
export type ChildMessage =
  | { readonly type: 'started'; readonly payments: number; readonly activeRequests: number }
  | {
      readonly type: 'progress';
      readonly committed: number;
      readonly failed: number;
      readonly unknown: number;
      readonly activeRequests: number;
      readonly retries: Record<string, number>;
    }
  | { readonly type: 'done'; readonly committed: number; readonly failed: number; readonly unknown: number };

export type Progress = Extract<ChildMessage, { type: 'progress' }>;

export interface LoadChild {
  readonly pid: number;
  /** The child's latest progress report (undefined before the first completion). */
  latest(): Progress | undefined;
  /** Resolves with the first progress report that satisfies `test`; bounded by `timeoutMs`. */
  progressWhere(what: string, test: (p: Progress) => boolean, timeoutMs: number): Promise<Progress>;
  /** SIGKILLs the child and waits until it is gone. */
  kill(): Promise<void>;
  /** The events the child recorded so far (a torn last line dropped). */
  events(): HistoryEvent[];
  /** Ends the child if still running and removes its files. */
  dispose(): Promise<void>;
  /** The child's stderr so far, for failure messages. */
  stderr(): string;
}

/** Starts a client process paying `specs` as `identityLabel` of `org`. */
export function startLoadChild(
  ctx: NetworkContext,
  org: string,
  identityLabel: string,
  specs: readonly PaymentSpec[],
): LoadChild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-load-child-'));
  const eventsFile = path.join(dir, 'events.jsonl');
  const jobFile = path.join(dir, 'job.json');
  const job: LoadJob = {
    profile: connectionProfileFile(ctx, org),
    identityStore: ctx.caPaths.org(org).walletDir,
    identityLabel,
    channel: ctx.topology.channel.name,
    chaincode: ctx.topology.chaincode.name,
    eventsFile,
    specs: specs.map((s) => ({ ...s, amount: s.amount.toString() })),
  };
  writeFileSync(jobFile, JSON.stringify(job));
  // One process (node itself with tsx's loader), so SIGKILL reaches the client; the tsx CLI would
  // run the script in a grandchild that a SIGKILL of the CLI leaves running.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot(), 'test', 'support', 'load-child.ts'), jobFile],
    { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env } },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the load child did not start');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let latest: Progress | undefined;
  const listeners = new Set<(p: Progress) => void>();
  child.on('message', (m: ChildMessage) => {
    if (m.type !== 'progress') return;
    latest = m;
    for (const l of [...listeners]) l(m);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    pid,
    latest: () => latest,
    progressWhere: (what, test, timeoutMs) =>
      within(
        `the load child (pid ${pid}) to report ${what}`,
        timeoutMs,
        new Promise<Progress>((resolve, reject) => {
          if (latest && test(latest)) return resolve(latest);
          const listener = (p: Progress) => {
            if (!test(p)) return;
            listeners.delete(listener);
            resolve(p);
          };
          listeners.add(listener);
          void exited.then((code) =>
            reject(new Error(`the load child exited (code ${code}) before ${what}; stderr:\n${stderr}`)),
          );
        }),
      ),
    async kill() {
      child.kill('SIGKILL');
      await within(`the load child (pid ${pid}) to exit`, 15_000, exited);
    },
    events: () => (existsSync(eventsFile) ? eventsFromLines(readFileSync(eventsFile, 'utf8')) : []),
    async dispose() {
      if (processAlive(pid)) {
        child.kill('SIGKILL');
        await within(`the load child (pid ${pid}) to exit`, 15_000, exited);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    stderr: () => stderr,
  };
}
