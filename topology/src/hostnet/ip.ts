/**
 * Runs iproute2 (`ip`, `tc`). Every change to the host network goes through here, so a failure
 * always names the command and what it printed.
 */
import { execFile } from 'node:child_process';
import { HostNetworkError } from './errors';

/** What a command printed when it failed, for callers that recognise particular failures. */
export class IpCommandError extends HostNetworkError {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`\`${command}\` failed: ${output.trim() || 'no output'}`);
  }
}

/** Runs `cmd args` and resolves with stdout; rejects with {@link IpCommandError}. */
export function iproute(cmd: 'ip' | 'tc', args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          missing
            ? new HostNetworkError(
                `\`${cmd}\` is not installed: hosts need iproute2 (apt-get install iproute2)`,
              )
            : new IpCommandError(`${cmd} ${args.join(' ')}`, `${stderr}${stdout}`),
        );
      } else {
        resolve(stdout);
      }
    });
  });
}

/** `ip` inside a network namespace. */
export function ipIn(netns: string, args: readonly string[]): Promise<string> {
  return iproute('ip', ['-n', netns, ...args]);
}

/** Whether a network interface of this name exists in the machine's namespace. */
export async function linkExists(name: string): Promise<boolean> {
  try {
    await iproute('ip', ['link', 'show', 'dev', name]);
    return true;
  } catch (e) {
    if (e instanceof IpCommandError) return false;
    throw e;
  }
}

/** The network namespaces that exist (`ip netns list`). */
export async function namespaces(): Promise<string[]> {
  const out = await iproute('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(' ')[0] ?? '')
    .filter((n) => n.length > 0);
}

/** IPv4 addresses with prefix length on every interface of the machine's namespace. */
export async function addresses(): Promise<{ ifname: string; address: string; prefixlen: number }[]> {
  const out = await iproute('ip', ['-j', '-4', 'addr', 'show']);
  const links = JSON.parse(out) as {
    ifname: string;
    addr_info?: { local: string; prefixlen: number }[];
  }[];
  return links.flatMap((l) =>
    (l.addr_info ?? []).map((a) => ({ ifname: l.ifname, address: a.local, prefixlen: a.prefixlen })),
  );
}
