/**
 * Where every process of the network runs and which address it has: THE placement plan, as the
 * port plan (./ports) is for ports.
 *
 * Without hosts (the default) everything runs in the machine's own network namespace on
 * 127.0.0.1. With hosts (`orgs[i].host`, `ordererOrg.host`, `ordererOrg.ordererHosts`), each host
 * is a Linux network namespace `<bridge>-<host>` with one address of `hostNetwork.subnet` on a
 * bridge in the machine's namespace (which holds the subnet's .1, so tools run there reach every
 * host): hosts get .10, .11, ... in the order the file first names them (orderer org, its
 * orderers in order, then the peer orgs in file order, removed ones included), so adding an org
 * at the end moves no address. Ports stay as the port plan says, on whichever address.
 *
 * Fabric processes on hosts name each other by host name (peer0.org1.example.com), resolved by a
 * hosts file the tool writes per namespace ({@link hostsFileText}); tools in the machine's own
 * namespace, which has no such file, dial addresses ({@link nodeAddress}, {@link orgAddress}) and
 * check TLS against the certificates, which name both.
 */
import { organizations, peerOrgInfos } from './hosts';
import { caHostNames } from './ca-names';
import type { Topology } from './schema';

/** The address of everything when no hosts are given. */
export const LOOPBACK_ADDRESS = '127.0.0.1';
/** Default subnet and bridge (schema defaults, repeated for topologies without the section). */
const DEFAULT_SUBNET = '10.77.0.0/24';
const DEFAULT_BRIDGE = 'fabpay0';
/** Host addresses start at .10 (.1 is the bridge). */
const FIRST_HOST_OCTET = 10;

/** One host: a network namespace with one address on the bridge. */
export interface HostPlacement {
  /** Name from the topology file, e.g. `bank1`. */
  name: string;
  /** Its IPv4 address, e.g. 10.77.0.10. */
  address: string;
  /** Its network namespace, `<bridge>-<name>`. */
  netns: string;
  /** The bridge side of its veth pair, `<bridge>h<n>`: cutting this link cuts the host off. */
  link: string;
}

/** The hosts of a topology and the bridge between them. */
export interface HostNetworkPlan {
  bridge: string;
  /** The bridge's own address, in the machine's namespace (the subnet's .1). */
  gateway: string;
  /** Prefix length of the subnet (24). */
  prefixLength: number;
  hosts: HostPlacement[];
}

/** The parts of a topology placement reads. */
export type PlacementTopology = Pick<Topology, 'domain' | 'ordererOrg' | 'orgs' | 'hostNetwork'> & {
  removedOrgs?: Topology['orgs'];
};

/** Whether the topology places organisations on hosts (all or none: the schema checks it). */
export function usesHosts(t: PlacementTopology): boolean {
  return t.ordererOrg.host !== undefined;
}

/** Host names in the order the file first names them (which fixes their addresses). */
function hostNamesInOrder(t: PlacementTopology): string[] {
  const names: string[] = [];
  const add = (h: string | undefined): void => {
    if (h !== undefined && !names.includes(h)) names.push(h);
  };
  add(t.ordererOrg.host);
  for (let k = 0; k < t.ordererOrg.orderers; k++) add(t.ordererOrg.ordererHosts?.[`orderer${k}`]);
  // Removed orgs keep their place (and their host's address) for `org add` bringing them back.
  const all = [...t.orgs, ...(t.removedOrgs ?? [])].sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
  for (const org of all) add(org.host);
  return names;
}

/** The host network of a topology, or undefined when it runs on loopback. */
export function hostNetworkPlan(t: PlacementTopology): HostNetworkPlan | undefined {
  if (!usesHosts(t)) return undefined;
  const subnet = t.hostNetwork?.subnet ?? DEFAULT_SUBNET;
  const bridge = t.hostNetwork?.bridge ?? DEFAULT_BRIDGE;
  const base = subnet.split('/')[0]!.split('.').slice(0, 3).join('.');
  return {
    bridge,
    gateway: `${base}.1`,
    prefixLength: 24,
    hosts: hostNamesInOrder(t).map((name, i) => ({
      name,
      address: `${base}.${FIRST_HOST_OCTET + i}`,
      netns: `${bridge}-${name}`,
      link: `${bridge}h${i}`,
    })),
  };
}

function hostNamed(t: PlacementTopology, name: string | undefined): HostPlacement | undefined {
  if (name === undefined) return undefined;
  return hostNetworkPlan(t)?.hosts.find((h) => h.name === name);
}

/** The host an organisation's CAs, peers and chaincode servers run on (undefined: loopback). */
export function orgHost(t: PlacementTopology, org: string): HostPlacement | undefined {
  if (org === t.ordererOrg.name) return hostNamed(t, t.ordererOrg.host);
  const spec = [...t.orgs, ...(t.removedOrgs ?? [])].find((o) => o.name === org);
  return hostNamed(t, spec?.host);
}

/** The host an orderer (`orderer<k>` or its full host name) runs on (undefined: loopback). */
export function ordererHost(t: PlacementTopology, orderer: string): HostPlacement | undefined {
  const short = orderer.split('.')[0]!;
  return hostNamed(t, t.ordererOrg.ordererHosts?.[short] ?? t.ordererOrg.host);
}

/** The host a node runs on, by its full host name (orderer0.example.com, peer0.org1.example.com). */
export function nodeHost(t: PlacementTopology, nodeHostName: string): HostPlacement | undefined {
  for (const org of organizations(t)) {
    if (!org.nodes.some((n) => n.host === nodeHostName)) continue;
    return org.kind === 'orderer' ? ordererHost(t, nodeHostName) : orgHost(t, org.name);
  }
  return undefined;
}

/** The address an organisation's CAs (and peers) listen on and tools dial. */
export function orgAddress(t: PlacementTopology, org: string): string {
  return orgHost(t, org)?.address ?? LOOPBACK_ADDRESS;
}

/** The address a node listens on and tools dial, by its full host name. */
export function nodeAddress(t: PlacementTopology, nodeHostName: string): string {
  return nodeHost(t, nodeHostName)?.address ?? LOOPBACK_ADDRESS;
}

/**
 * The hosts file every host's processes resolve names with: each host's own name and every
 * node and CA name placed on it. Undefined without hosts.
 */
export function hostsFileText(t: PlacementTopology): string | undefined {
  const plan = hostNetworkPlan(t);
  if (!plan) return undefined;
  const names = new Map<string, string[]>(plan.hosts.map((h) => [h.address, [h.name]]));
  const add = (host: HostPlacement | undefined, name: string): void => {
    if (host) names.get(host.address)!.push(name);
  };
  for (const org of organizations(t)) {
    for (const name of caHostNames(org.domain)) add(orgHost(t, org.name), name);
    for (const node of org.nodes) add(nodeHost(t, node.host), node.host);
  }
  // Removed orgs keep their names: `org add` brings them back at the same address.
  for (const org of peerOrgInfos({ ...t, orgs: t.removedOrgs ?? [] })) {
    for (const name of caHostNames(org.domain)) add(orgHost(t, org.name), name);
  }
  const lines = [
    '# Written by fabpay-network for the network namespaces of its hosts; do not edit.',
    '127.0.0.1 localhost',
    ...plan.hosts.map((h) => `${h.address} ${names.get(h.address)!.join(' ')}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** What runs on a host: organisations (their CAs, peers, chaincode servers) and orderers. */
export function membersOfHost(t: PlacementTopology, host: string): { orgs: string[]; orderers: string[] } {
  const orderers = ordererOrgHostNodes(t).filter((o) => ordererHost(t, o)?.name === host);
  const orgs = [t.ordererOrg.name, ...t.orgs.map((o) => o.name)].filter((o) => orgHost(t, o)?.name === host);
  return { orgs, orderers };
}

function ordererOrgHostNodes(t: PlacementTopology): string[] {
  return organizations(t)[0]!.nodes.map((n) => n.host);
}
