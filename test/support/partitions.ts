/**
 * Partitions for live suites on a network with hosts: cut one host off for the length of a
 * callback (always healed again, also when the callback throws), timed; and what the kernel says
 * about each host's sockets (`ss` inside its namespace), the evidence that traffic crosses the
 * bridge rather than loopback.
 */
import { execFile } from 'node:child_process';
import { cutHost, healHost, hostByName, type Topology } from '@fabpay/topology';

/** How long the link changes took, in seconds. */
export interface PartitionTimings {
  cutSeconds: number;
  healSeconds: number;
  /** From the cut to the heal. */
  heldSeconds: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Cuts `host` off, runs `during`, heals it (whatever `during` did) and returns both. */
export async function withPartition<T>(
  topology: Topology,
  host: string,
  during: () => Promise<T>,
): Promise<{ result: T; timings: PartitionTimings }> {
  const t0 = now();
  if (!(await cutHost(topology, host))) throw new Error(`${host} was already cut off`);
  const t1 = now();
  let t2 = t1;
  let result: T;
  try {
    result = await during();
  } finally {
    t2 = now();
    await healHost(topology, host);
  }
  const t3 = now();
  return { result, timings: { cutSeconds: t1 - t0, healSeconds: t3 - t2, heldSeconds: t2 - t1 } };
}

/** One TCP socket as `ss -tn` lists it. */
export interface Socket {
  local: string;
  peer: string;
}

function ss(netns: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', netns, 'ss', '-Htn', ...args], { timeout: 10_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

const column = (line: string, i: number): string => line.trim().split(/\s+/)[i] ?? '';

/** Established TCP connections inside a host's namespace. */
export async function establishedOn(topology: Topology, host: string): Promise<Socket[]> {
  const out = await ss(hostByName(topology, host).netns, ['state', 'established']);
  // With a state filter ss drops the State column: Recv-Q Send-Q Local Peer.
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({ local: column(l, 2), peer: column(l, 3) }));
}

/** Listening TCP addresses (address:port) inside a host's namespace. */
export async function listenersOn(topology: Topology, host: string): Promise<string[]> {
  const out = await ss(hostByName(topology, host).netns, ['-l']);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => column(l, 3));
}
