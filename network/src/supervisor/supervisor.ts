/**
 * The supervisor: a long-running process (`fabpay-network supervise`, started detached by
 * `up --supervise`) that polls the process state of every orderer, peer and chaincode server and
 * restarts crashed ones with exponential backoff (restart-policy.ts), logging one JSON line per
 * event to `<run>/network/supervisor/supervisor.log`. `down` stops it first, so it never restarts
 * what `down` stops; anything stopped with the process-control `stopProcess` is left alone anyway.
 * It has its own PID record (process control), which makes a second `up --supervise` a no-op.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  processState,
  runningPid,
  startProcess,
  stoppedOnPurpose,
  stopProcess,
  type ProcessRef,
} from '@fabpay/topology';
import type { NetworkContext } from '../context';
import { supervisorFiles } from '../layout';
import { chaincodeProcess, chaincodeServerSpec, recordedPackageId } from '../chaincode/server';
import { startNode } from '../nodes/lifecycle';
import { decide, DEFAULT_BACKOFF, UNWATCHED, type BackoffPolicy, type WatchState } from './restart-policy';

/** A supervisor could not be started, or did not report that it is watching. */
export class SupervisorStartError extends Error {
  override readonly name = 'SupervisorStartError';
}

/** One process the supervisor watches, and how to start it again. */
export interface Supervised {
  kind: 'orderer' | 'peer' | 'chaincode';
  ref: ProcessRef;
  /** Starts it (detached); returns its pid. */
  restart: () => Promise<number>;
}

/** Every orderer, peer and peer chaincode server of the network. */
export function supervisedProcesses(ctx: NetworkContext): Supervised[] {
  const nodes: Supervised[] = ctx.nodes.map((node) => ({
    kind: node.kind,
    ref: node.process,
    restart: async () => {
      await startNode(ctx, node);
      const pid = runningPid(node.process);
      if (pid === undefined) throw new Error(`${node.host} exited at once`);
      return pid;
    },
  }));
  const servers: Supervised[] = ctx.peers.map((peer) => ({
    kind: 'chaincode',
    ref: chaincodeProcess(ctx, peer),
    restart: () => {
      // The package it ran with (recorded at its start): a restart never changes what it serves.
      const packageId = recordedPackageId(ctx, peer);
      if (!packageId) {
        return Promise.reject(new Error(`no package ID recorded for ${peer.host}'s chaincode server`));
      }
      return Promise.resolve(startProcess(chaincodeServerSpec(ctx, peer, packageId)).pid);
    },
  }));
  return [...nodes, ...servers];
}

/**
 * The built CLI of this package (`network/dist/cli.js`), which the detached supervisor runs. Found
 * from the package root, so it is the same file whether this module runs from dist/ or (in the
 * test runner) from src/.
 */
export function builtCli(): string {
  return path.join(__dirname, '..', '..', 'dist', 'cli.js');
}

/** The supervisor process itself, for starting, stopping and status. */
export function supervisorProcess(ctx: NetworkContext, topologyFile: string): ProcessRef {
  return {
    name: 'supervisor',
    command: process.execPath,
    args: [builtCli(), '-t', path.resolve(topologyFile), 'supervise'],
    pidFile: supervisorFiles(ctx.layout).pid,
  };
}

/** One structured log line. */
export type SupervisorEvent =
  | { event: 'watching'; pid: number; processes: number; pollMs: number }
  | {
      event: 'crashed';
      process: string;
      kind: string;
      attempt: number;
      restartInMs: number;
      lastPid?: number;
    }
  | { event: 'restarting'; process: string; kind: string; attempt: number }
  | { event: 'restarted'; process: string; kind: string; attempt: number; pid: number }
  | { event: 'restart-failed'; process: string; kind: string; attempt: number; error: string }
  | { event: 'recovered'; process: string; kind: string; pid: number; downMs: number }
  | { event: 'stopping'; pid: number; signal: string };

export interface SuperviseOptions {
  /** How often to look at every process. Default 250 ms. */
  pollMs?: number;
  backoff?: BackoffPolicy;
  /** Where events go; default one JSON line on stdout (the log file, when detached). */
  log?: (e: SupervisorEvent & { time: string }) => void;
  /** Ends the loop when aborted; default: SIGTERM or SIGINT. */
  signal?: AbortSignal;
}

/**
 * Runs the supervision loop over every orderer, peer and chaincode server of the network until
 * `opts.signal` aborts (by default until SIGTERM/SIGINT); see {@link superviseProcesses}.
 */
export function supervise(ctx: NetworkContext, opts: SuperviseOptions = {}): Promise<void> {
  return superviseProcesses(supervisedProcesses(ctx), opts);
}

/**
 * The supervision loop over `watched`, until `opts.signal` aborts (by default until SIGTERM/SIGINT).
 * Each poll reads every process's state (process control: a PID whose start time differs is not
 * ours) and acts on {@link decide}'s decision. A restart is started, never waited on: the next
 * polls see whether it stays up, and a process that dies again backs off further.
 */
export async function superviseProcesses(
  watched: readonly Supervised[],
  opts: SuperviseOptions = {},
): Promise<void> {
  const pollMs = opts.pollMs ?? 250;
  const policy = opts.backoff ?? DEFAULT_BACKOFF;
  const log =
    opts.log ?? ((e: SupervisorEvent & { time: string }) => process.stdout.write(`${JSON.stringify(e)}\n`));
  const emit = (e: SupervisorEvent): void => log({ time: new Date().toISOString(), ...e });
  let signal = opts.signal;
  if (!signal) {
    const abort = new AbortController();
    for (const s of ['SIGTERM', 'SIGINT'] as const) {
      process.once(s, () => {
        emit({ event: 'stopping', pid: process.pid, signal: s });
        abort.abort();
      });
    }
    signal = abort.signal;
  }
  const states = new Map<string, WatchState>(watched.map((w) => [w.ref.name, { ...UNWATCHED }]));
  const lastPid = new Map<string, number>();
  const downSince = new Map<string, number>();
  emit({ event: 'watching', pid: process.pid, processes: watched.length, pollMs });
  while (!signal.aborted) {
    for (const w of watched) {
      if (signal.aborted) break;
      const name = w.ref.name;
      const state = processState(w.ref);
      const now = Date.now();
      const next = decide(
        states.get(name) ?? UNWATCHED,
        {
          running: state.status === 'running',
          stoppedOnPurpose: state.status !== 'running' && stoppedOnPurpose(w.ref),
          staleRecord: state.status === 'stale',
        },
        now,
        policy,
      );
      states.set(name, next.state);
      if (state.status === 'running') lastPid.set(name, state.record.pid);
      const d = next.decision;
      switch (d.action) {
        case 'crashed': {
          downSince.set(name, now);
          const pid = state.status === 'stale' ? state.record.pid : lastPid.get(name);
          emit({
            event: 'crashed',
            process: name,
            kind: w.kind,
            attempt: d.attempt,
            restartInMs: d.delayMs,
            ...(pid !== undefined ? { lastPid: pid } : {}),
          });
          break;
        }
        case 'restart':
          emit({ event: 'restarting', process: name, kind: w.kind, attempt: d.attempt });
          try {
            const pid = await w.restart();
            emit({ event: 'restarted', process: name, kind: w.kind, attempt: d.attempt, pid });
          } catch (err) {
            emit({
              event: 'restart-failed',
              process: name,
              kind: w.kind,
              attempt: d.attempt,
              error: err instanceof Error ? err.message : String(err),
            });
          }
          break;
        case 'recovered':
          if (state.status === 'running') {
            emit({
              event: 'recovered',
              process: name,
              kind: w.kind,
              pid: state.record.pid,
              downMs: now - (downSince.get(name) ?? now),
            });
          }
          downSince.delete(name);
          break;
        default:
          break;
      }
    }
    await delay(pollMs, undefined, { signal }).catch(() => undefined);
  }
}

/** Whether the supervisor runs, and its pid. */
export function supervisorPid(ctx: NetworkContext, topologyFile: string): number | undefined {
  return runningPid(supervisorProcess(ctx, topologyFile));
}

/**
 * Starts the supervisor detached (its output appended to its log), unless one is running:
 * idempotent. Waits until it logs that it is watching.
 * @returns its pid and whether this call started it.
 */
export async function startSupervisor(
  ctx: NetworkContext,
  topologyFile: string,
): Promise<{ pid: number; started: boolean }> {
  const ref = supervisorProcess(ctx, topologyFile);
  const running = runningPid(ref);
  if (running !== undefined) return { pid: running, started: false };
  if (!existsSync(builtCli())) {
    throw new SupervisorStartError(
      `${builtCli()} does not exist: build the network workspace first (npx tsc -b)`,
    );
  }
  const files = supervisorFiles(ctx.layout);
  const offset = existsSync(files.log) ? readFileSync(files.log).length : 0;
  const { pid } = startProcess({ ...ref, env: process.env, logFile: files.log });
  const deadline = Date.now() + 15_000;
  const marker = `"event":"watching","pid":${pid},`;
  while (Date.now() < deadline) {
    if (readFileSync(files.log).subarray(offset).toString('utf8').includes(marker)) {
      return { pid, started: true };
    }
    if (runningPid(ref) === undefined) break;
    await delay(100);
  }
  const tail = readFileSync(files.log).subarray(offset).toString('utf8').slice(-2000);
  throw new SupervisorStartError(
    `the supervisor (pid ${pid}) did not start watching; its log ends:\n${tail}`,
  );
}

/** Stops the supervisor if it runs; whether it did. */
export function stopSupervisor(ctx: NetworkContext, topologyFile: string): Promise<boolean> {
  return stopProcess(supervisorProcess(ctx, topologyFile), { graceMs: 10_000 });
}

/**
 * Restarts a running supervisor so that it watches what the topology now names: the membership
 * commands (`org add`, `orderer remove`, ...) change which processes exist, and the supervisor
 * reads the topology only when it starts. Does nothing when no supervisor runs.
 * @returns the new supervisor's pid, or undefined when none was running.
 */
export async function reloadSupervisor(
  ctx: NetworkContext,
  topologyFile: string,
): Promise<number | undefined> {
  if (supervisorPid(ctx, topologyFile) === undefined) return undefined;
  await stopSupervisor(ctx, topologyFile);
  const { pid } = await startSupervisor(ctx, topologyFile);
  ctx.progress(`supervisor restarted (pid ${pid}) to watch the changed network`);
  return pid;
}
