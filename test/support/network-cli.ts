/**
 * Running commands from live suites as an operator would: the built `fabpay-network` CLI against
 * a suite's topology, or any program, bounded in time, never throwing (the exit code says).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@fabpay/topology';

/** What one command printed and how it exited (-1: killed, e.g. by the time bound). */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` with this process's environment, bounded by `timeoutMs`. */
export function runCommand(file: string, args: readonly string[], timeoutMs = 120_000): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: process.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** The built `fabpay-network` CLI against one topology file: `cli(['status', '--json'])`. */
export function networkCli(
  topologyFile: string,
): (args: string[], timeoutMs?: number) => Promise<CommandRun> {
  const cliJs = path.join(repoRoot(), 'network', 'dist', 'cli.js');
  return (args, timeoutMs = 300_000) =>
    runCommand(process.execPath, [cliJs, '-t', topologyFile, ...args], timeoutMs);
}
