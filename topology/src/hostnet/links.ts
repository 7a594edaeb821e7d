/**
 * Partitions: cutting a host off the bridge, healing it, and delaying its link. A host's link is
 * the bridge end of its veth pair, so cutting it cuts every connection of every process on the
 * host at once, in both directions (to other hosts and to tools on the machine), the way a
 * pulled cable or a failed switch port does.
 */
import { hostNetworkPlan, type HostPlacement, type PlacementTopology } from '../placement';
import { DelayUnavailableError, NoHostsError, UnknownHostError } from './errors';
import { IpCommandError, iproute } from './ip';
import { requireRoot } from './setup';

/** The state of one host's link. */
export interface LinkState {
  host: string;
  address: string;
  link: string;
  /** False while the host is cut off. */
  up: boolean;
  /** Added one-way delay in ms (netem), 0 when none. */
  delayMs: number;
}

/** Looks a host up by name; refuses a loopback topology or an unknown name. */
export function hostByName(t: PlacementTopology, name: string): HostPlacement {
  const plan = hostNetworkPlan(t);
  if (!plan) throw new NoHostsError();
  const host = plan.hosts.find((h) => h.name === name);
  if (!host)
    throw new UnknownHostError(
      name,
      plan.hosts.map((h) => h.name),
    );
  return host;
}

/** Cuts a host off: its link goes down. Returns false when it already was. */
export async function cutHost(t: PlacementTopology, name: string): Promise<boolean> {
  const host = hostByName(t, name);
  requireRoot();
  const was = await linkState(host);
  await iproute('ip', ['link', 'set', host.link, 'down']);
  return was.up;
}

/** Heals a cut: the link comes up again. Returns false when it was not cut. */
export async function healHost(t: PlacementTopology, name: string): Promise<boolean> {
  const host = hostByName(t, name);
  requireRoot();
  const was = await linkState(host);
  await iproute('ip', ['link', 'set', host.link, 'up']);
  return !was.up;
}

/**
 * Delays everything the host sends and receives through its link by `ms` each way (netem on both
 * ends of the veth pair), or removes the delay with 0.
 */
export async function delayHost(t: PlacementTopology, name: string, ms: number): Promise<void> {
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    throw new RangeError(`delay must be a whole number of milliseconds from 0 to 60000, got ${ms}`);
  }
  const host = hostByName(t, name);
  requireRoot();
  const ends: string[][] = [
    ['dev', host.link],
    ['-n', host.netns, 'dev', 'eth0'],
  ];
  for (const end of ends) {
    const [ns, dev] = end[0] === '-n' ? [['-n', end[1]!], end.slice(2)] : [[], end];
    if (ms === 0) {
      await iproute('tc', [...ns, 'qdisc', 'del', ...dev, 'root']).catch((e: unknown) => {
        // Nothing to delete is what "no delay" means.
        if (!(e instanceof IpCommandError)) throw e;
      });
      continue;
    }
    try {
      await iproute('tc', [...ns, 'qdisc', 'replace', ...dev, 'root', 'netem', 'delay', `${ms}ms`]);
    } catch (e) {
      if (e instanceof IpCommandError && /unknown|not supported|No such file/i.test(e.output)) {
        throw new DelayUnavailableError(e.output.trim());
      }
      throw e;
    }
  }
}

/** The state of a host's link as the kernel reports it. */
export async function linkState(host: HostPlacement): Promise<LinkState> {
  const out = await iproute('ip', ['-j', 'link', 'show', 'dev', host.link]);
  const [link] = JSON.parse(out) as { flags?: string[] }[];
  const qdisc = await iproute('tc', ['qdisc', 'show', 'dev', host.link]);
  const delay = /netem .*delay (\d+(?:\.\d+)?)ms/.exec(qdisc);
  return {
    host: host.name,
    address: host.address,
    link: host.link,
    up: (link?.flags ?? []).includes('UP'),
    delayMs: delay ? Math.round(Number(delay[1])) : 0,
  };
}

/** The link state of every host. */
export async function hostLinks(t: PlacementTopology): Promise<LinkState[]> {
  const plan = hostNetworkPlan(t);
  if (!plan) throw new NoHostsError();
  return Promise.all(plan.hosts.map((h) => linkState(h)));
}
