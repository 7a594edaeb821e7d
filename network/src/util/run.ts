import { spawn, type SpawnOptions } from 'node:child_process';

/** Result of a finished child process. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Error thrown by {@link run} when a command exits non-zero; carries its output for the message. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const output = (result.stderr || result.stdout).trim().split('\n');
    // Fabric's CLIs print "Error: ..." followed by their whole usage text: the error is what matters.
    const errorAt = output.findIndex((l) => l.startsWith('Error: '));
    const tail = (errorAt >= 0 ? output.slice(errorAt, errorAt + 5) : output.slice(-15)).join('\n');
    super(`command failed (exit ${result.code}): ${command}\n${tail}`);
    this.name = 'CommandError';
  }
}

/**
 * Runs a command to completion and collects its output. Rejects with
 * {@link CommandError} on a non-zero exit unless `allowFailure` is set.
 */
export function run(
  file: string,
  args: readonly string[],
  options: SpawnOptions & { allowFailure?: boolean; input?: string } = {},
): Promise<RunResult> {
  const { allowFailure, input, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    // env is passed explicitly so that changes to process.env (e.g. PATH) made by this process apply.
    const child = spawn(file, args, {
      env: process.env,
      ...spawnOptions,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !allowFailure) {
        reject(new CommandError([file, ...args].join(' '), result));
      } else {
        resolve(result);
      }
    });
    if (input !== undefined) {
      // A child that exits before reading its input must not crash the caller.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    }
  });
}
