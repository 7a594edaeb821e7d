/**
 * Where the bench network's ports start: FABPAY_BENCH_PORT_BASE (default 19000, the portBase of
 * test/bench/topology.yaml), so a second bench (another worktree, another engineer) can run beside
 * one already running on the same machine.
 */

/** The portBase of test/bench/topology.yaml. */
export const DEFAULT_BENCH_PORT_BASE = 19000;

/**
 * Ports the bench topology spans from its base: one block of 100 per organisation (the orderer
 * org and two peer orgs; topology/src/ports.ts has the layout).
 */
export const BENCH_PORT_SPAN = 300;

/**
 * Linux's ephemeral range starts at 32768 (net.ipv4.ip_local_port_range): an outgoing connection
 * could take a port there while a server of the network is down, so the bench stays below it.
 */
const EPHEMERAL_START = 32768;

/** Lowest base: below 1024 needs root. */
const LOWEST = 1024;

/** The highest base whose whole span stays below the ephemeral range. */
export const HIGHEST_BENCH_PORT_BASE = EPHEMERAL_START - BENCH_PORT_SPAN;

/**
 * Parses FABPAY_BENCH_PORT_BASE: unset or empty is the default; anything else must be a whole
 * number from 1024 to {@link HIGHEST_BENCH_PORT_BASE}, or this throws saying so.
 */
export function parsePortBase(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_BENCH_PORT_BASE;
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < LOWEST || n > HIGHEST_BENCH_PORT_BASE)
    throw new Error(
      `FABPAY_BENCH_PORT_BASE: expected a whole number from ${LOWEST} to ${HIGHEST_BENCH_PORT_BASE} ` +
        `(the bench network takes ${BENCH_PORT_SPAN} ports from there, below the ephemeral range), got "${value}"`,
    );
  return n;
}

/**
 * The bench topology's text with its portBase moved to `base`; throws if the text has no
 * top-level portBase line (the topology changed shape, and a silent no-op would collide).
 */
export function withPortBase(topologyText: string, base: number): string {
  const re = /^portBase: *\d+ *$/m;
  if (!re.test(topologyText)) throw new Error('the bench topology has no top-level "portBase: <n>" line');
  return topologyText.replace(re, `portBase: ${base}`);
}
