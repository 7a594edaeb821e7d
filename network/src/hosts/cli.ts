/**
 * `fabpay-network hosts` and `fabpay-network partition cut|heal|delay`: the hosts of a topology
 * that places organisations on hosts (network namespaces), and partitions of their links. The
 * mechanics are in @fabpay/topology (hostnet); this is the command surface. cli.ts calls
 * {@link registerHostCommands} once.
 */
import type { Command } from 'commander';
import {
  cutHost,
  delayHost,
  healHost,
  hostByName,
  hostLinks,
  linkState,
  membersOfHost,
  type LinkState,
} from '@fabpay/topology';
import { setTimeout as sleep } from 'node:timers/promises';
import { topologyOf } from '../network';

/** One host as `hosts` lists it. */
export interface HostListing extends LinkState {
  netns: string;
  orgs: string[];
  orderers: string[];
}

/** The hosts of the topology with their link state and what runs on each. */
export async function listHosts(topologyFile?: string): Promise<HostListing[]> {
  const t = topologyOf({ ...(topologyFile !== undefined ? { topologyFile } : {}) });
  const links = await hostLinks(t);
  return links.map((l) => ({ ...l, netns: hostByName(t, l.host).netns, ...membersOfHost(t, l.host) }));
}

/** What a partition command did and how long the link change took. */
export interface PartitionResult {
  host: string;
  action: 'cut' | 'heal' | 'delay';
  /** False when the link already was in that state. */
  changed: boolean;
  /** Seconds the `ip`/`tc` change took. */
  seconds: number;
  state: LinkState;
}

const elapsed = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** Cuts a host's link. */
export async function cut(host: string, topologyFile?: string): Promise<PartitionResult> {
  const t = topologyOf({ ...(topologyFile !== undefined ? { topologyFile } : {}) });
  const start = process.hrtime.bigint();
  const changed = await cutHost(t, host);
  const seconds = elapsed(start);
  return { host, action: 'cut', changed, seconds, state: await linkState(hostByName(t, host)) };
}

/** Heals a host's link. */
export async function heal(host: string, topologyFile?: string): Promise<PartitionResult> {
  const t = topologyOf({ ...(topologyFile !== undefined ? { topologyFile } : {}) });
  const start = process.hrtime.bigint();
  const changed = await healHost(t, host);
  const seconds = elapsed(start);
  return { host, action: 'heal', changed, seconds, state: await linkState(hostByName(t, host)) };
}

/** Delays a host's link by `ms` each way (0 removes the delay). */
export async function delay(host: string, ms: number, topologyFile?: string): Promise<PartitionResult> {
  const t = topologyOf({ ...(topologyFile !== undefined ? { topologyFile } : {}) });
  const before = await linkState(hostByName(t, host));
  const start = process.hrtime.bigint();
  await delayHost(t, host, ms);
  const seconds = elapsed(start);
  return {
    host,
    action: 'delay',
    changed: before.delayMs !== ms,
    seconds,
    state: await linkState(hostByName(t, host)),
  };
}

function describe(s: LinkState): string {
  return `${s.host} (${s.address}, link ${s.link}) is ${s.up ? 'connected' : 'CUT OFF'}${s.delayMs ? `, delayed ${s.delayMs} ms each way` : ''}`;
}

function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3600) {
    throw new RangeError(`--for expects whole seconds from 1 to 3600, got "${text}"`);
  }
  return n;
}

function parseMs(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 60_000) {
    throw new RangeError(`delay expects whole milliseconds from 0 to 60000, got "${text}"`);
  }
  return n;
}

/** Adds `hosts` and `partition` to the program; `topologyFile` reads its `-t` option. */
export function registerHostCommands(program: Command, topologyFile: () => string | undefined): void {
  program
    .command('hosts')
    .description(
      'List the hosts of a topology that places organisations on hosts: address, network namespace, what runs there, and whether its link is cut or delayed',
    )
    .option('--json', 'print the hosts as JSON')
    .action(async (opts: { json?: boolean }) => {
      const hosts = await listHosts(topologyFile());
      if (opts.json) return console.log(JSON.stringify(hosts, null, 2));
      for (const h of hosts) {
        const runs = [...h.orgs, ...h.orderers.map((o) => o.split('.')[0])].join(', ');
        console.log(`${describe(h)}; namespace ${h.netns}; runs ${runs || 'nothing'}`);
      }
    });

  const partition = program
    .command('partition')
    .description("Cut, heal or delay one host's link to the others (needs a topology with hosts, and root)");
  const report = (json: boolean | undefined, r: PartitionResult): void => {
    if (json) return console.log(JSON.stringify(r, null, 2));
    const what = { cut: 'cut', heal: 'healed', delay: 'delay set' }[r.action];
    console.log(
      `${r.changed ? `✓ ${what} in ${r.seconds.toFixed(3)}s` : '= nothing to change'}: ${describe(r.state)}`,
    );
  };
  partition
    .command('cut <host>')
    .description(
      'Cut a host off: its link to the bridge goes down, so every connection to and from its processes stops (both ways)',
    )
    .option('--for <seconds>', 'heal it again after this many seconds (whole seconds, 1 to 3600)')
    .option('--json', 'print the result as JSON')
    .action(async (host: string, opts: { for?: string; json?: boolean }) => {
      const seconds = opts.for !== undefined ? parseSeconds(opts.for) : undefined;
      const r = await cut(host, topologyFile());
      if (seconds === undefined) return report(opts.json, r);
      if (!opts.json) report(false, r);
      try {
        await sleep(seconds * 1000);
      } finally {
        const h = await heal(host, topologyFile());
        if (opts.json) console.log(JSON.stringify({ cut: r, heal: h }, null, 2));
        else report(false, h);
      }
    });
  partition
    .command('heal <host>')
    .description('Reconnect a host that was cut off')
    .option('--json', 'print the result as JSON')
    .action(async (host: string, opts: { json?: boolean }) =>
      report(opts.json, await heal(host, topologyFile())),
    );
  partition
    .command('delay <host> <ms>')
    .description(
      'Delay everything a host sends and receives by <ms> each way (tc netem; 0 removes it). Refused where the kernel has no netem',
    )
    .option('--json', 'print the result as JSON')
    .action(async (host: string, ms: string, opts: { json?: boolean }) =>
      report(opts.json, await delay(host, parseMs(ms), topologyFile())),
    );
}
