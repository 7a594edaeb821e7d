/**
 * Creating and removing the host network of a topology: a bridge in the machine's namespace and,
 * per host, a network namespace joined to it by a veth pair (the namespace's end is `eth0`), its
 * address, its loopback, and the hosts file its processes resolve names with. Idempotent: what
 * exists is kept (a cut link stays cut), what is missing is created.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostNetworkPlan, hostsFileText, type HostNetworkPlan, type PlacementTopology } from '../placement';
import { HostNetworkError } from './errors';
import { addresses, IpCommandError, iproute, ipIn, linkExists, namespaces } from './ip';

/** Where `ip netns exec` finds the files it bind-mounts over /etc for a namespace. */
export const NETNS_ETC = '/etc/netns';

/** Refuses without root: namespaces, links and /etc/netns need it. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new HostNetworkError(
      'this topology places organisations on hosts, which are network namespaces joined by a bridge: creating them needs root. Run as root, or remove the host entries (orgs[i].host, ordererOrg.host) to run everything on loopback',
    );
  }
}

/**
 * Writes a file in place (same inode), so processes that already have it bind-mounted as their
 * /etc/hosts see the new names (an org added later) without a restart.
 */
function writeInPlace(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}

/** What {@link ensureHostNetwork} did, one line per change (empty when everything existed). */
export interface HostNetworkChanges {
  plan: HostNetworkPlan;
  created: string[];
}

/** The subnet is not already on another interface of the machine (it would swallow its traffic). */
async function checkSubnetFree(plan: HostNetworkPlan): Promise<void> {
  const prefix = `${plan.gateway.split('.').slice(0, 3).join('.')}.`;
  const clash = (await addresses()).find((a) => a.ifname !== plan.bridge && a.address.startsWith(prefix));
  if (clash) {
    throw new HostNetworkError(
      `the host subnet ${prefix}0/24 is already used by ${clash.ifname} (${clash.address}/${clash.prefixlen}): choose another hostNetwork.subnet`,
    );
  }
}

/**
 * Makes the host network of a topology exist. Returns undefined for a loopback topology (nothing
 * to do, no root needed). `hostsFileCopy`, when given, also receives the hosts file (for people:
 * the same text every namespace resolves with).
 */
export async function ensureHostNetwork(
  t: PlacementTopology,
  hostsFileCopy?: string,
): Promise<HostNetworkChanges | undefined> {
  const plan = hostNetworkPlan(t);
  if (!plan) return undefined;
  requireRoot();
  const created: string[] = [];
  if (!(await linkExists(plan.bridge))) {
    await checkSubnetFree(plan);
    await iproute('ip', ['link', 'add', plan.bridge, 'type', 'bridge']);
    created.push(`bridge ${plan.bridge}`);
  }
  await iproute('ip', ['addr', 'replace', `${plan.gateway}/${plan.prefixLength}`, 'dev', plan.bridge]);
  await iproute('ip', ['link', 'set', plan.bridge, 'up']);
  const hostsText = hostsFileText(t)!;
  const existing = new Set(await namespaces());
  for (const host of plan.hosts) {
    if (!existing.has(host.netns)) {
      await iproute('ip', ['netns', 'add', host.netns]);
      created.push(`namespace ${host.netns}`);
    }
    if (!(await linkExists(host.link))) {
      // A link left in a namespace by an interrupted run would block the new pair's name.
      await ipIn(host.netns, ['link', 'del', 'eth0']).catch(() => undefined);
      await iproute('ip', [
        'link',
        'add',
        host.link,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        host.netns,
      ]);
      await iproute('ip', ['link', 'set', host.link, 'master', plan.bridge, 'up']);
      created.push(`link ${host.link} (${host.name} ${host.address})`);
    }
    await ipIn(host.netns, ['addr', 'replace', `${host.address}/${plan.prefixLength}`, 'dev', 'eth0']);
    await ipIn(host.netns, ['link', 'set', 'eth0', 'up']);
    await ipIn(host.netns, ['link', 'set', 'lo', 'up']);
    if (writeInPlace(path.join(NETNS_ETC, host.netns, 'hosts'), hostsText)) {
      created.push(`hosts file of ${host.netns}`);
    }
  }
  if (hostsFileCopy) writeInPlace(hostsFileCopy, hostsText);
  return { plan, created };
}

/**
 * Removes the host network of a topology: its namespaces (which takes their links), the bridge
 * and the hosts files. Processes must be stopped first. Returns what it removed.
 */
export async function removeHostNetwork(t: PlacementTopology): Promise<string[]> {
  const plan = hostNetworkPlan(t);
  if (!plan) return [];
  requireRoot();
  const removed: string[] = [];
  const existing = new Set(await namespaces());
  for (const host of plan.hosts) {
    if (existing.has(host.netns)) {
      await iproute('ip', ['netns', 'del', host.netns]);
      removed.push(`namespace ${host.netns}`);
    }
    // Deleting the namespace deletes its veth pair, but asynchronously: the link may still be
    // listed and then be gone by the time it is deleted here (seen in the hosts suite).
    if (await linkExists(host.link)) {
      await iproute('ip', ['link', 'del', host.link]).catch((e: unknown) => {
        if (!(e instanceof IpCommandError && /No such device|Cannot find device/.test(e.output))) throw e;
      });
    }
    rmSync(path.join(NETNS_ETC, host.netns), { recursive: true, force: true });
  }
  if (await linkExists(plan.bridge)) {
    await iproute('ip', ['link', 'del', plan.bridge]);
    removed.push(`bridge ${plan.bridge}`);
  }
  return removed;
}
