/**
 * Names derived from a topology: organisation domains and node host names. Everything that needs a
 * host name (CSR hosts, TLS server names, configtx endpoints) takes it from here.
 *
 * - orderer org domain: `<domain>`; orderers: `orderer0.<domain>`, `orderer1.<domain>`, ...
 * - peer org domain: `<org lowercased>.<domain>`; peers: `peer0.org1.example.com`, ...
 */
import type { Topology, UserSpec } from './schema';

/** The parts of a topology that names derive from (extended topologies fit too). */
export type TopologyNames = Pick<Topology, 'domain' | 'ordererOrg' | 'orgs'>;

/** A node: an orderer or a peer. */
export interface NodeInfo {
  kind: 'orderer' | 'peer';
  /** Short name, e.g. `peer0` or `orderer2`. */
  name: string;
  /** Fully qualified host name, e.g. `peer0.org1.example.com`. */
  host: string;
  /** Index within its organisation (0-based). */
  index: number;
  /** Name of the organisation that owns it. */
  org: string;
}

/** An organisation with its derived names. */
export interface OrgInfo {
  kind: 'orderer' | 'peer';
  name: string;
  mspId: string;
  /** DNS domain of the organisation, e.g. `org1.example.com` (the topology domain for the orderer org). */
  domain: string;
  /**
   * Position of the organisation in the port plan and in listings: 0 for the orderer org,
   * 1.. for the peer orgs in file order.
   */
  index: number;
  nodes: NodeInfo[];
  /** Client users (always empty for the orderer org). */
  users: UserSpec[];
}

/** The orderer organisation with its orderers. */
export function ordererOrgInfo(t: TopologyNames): OrgInfo {
  const { name, mspId, orderers } = t.ordererOrg;
  const removed = new Set(t.ordererOrg.removed ?? []);
  return {
    kind: 'orderer',
    name,
    mspId,
    domain: t.domain,
    index: 0,
    nodes: Array.from({ length: orderers }, (_, i) => ({
      kind: 'orderer' as const,
      name: `orderer${i}`,
      host: `orderer${i}.${t.domain}`,
      index: i,
      org: name,
    })).filter((n) => !removed.has(n.name)),
    users: [],
  };
}

/**
 * Every member peer organisation, in file order, with its peers. Its index is its slot (its place
 * in the file), so removing an organisation moves no other organisation's ports.
 */
export function peerOrgInfos(t: TopologyNames): OrgInfo[] {
  return t.orgs.map((org, i) => {
    const domain = `${org.name.toLowerCase()}.${t.domain}`;
    return {
      kind: 'peer' as const,
      name: org.name,
      mspId: org.mspId,
      domain,
      index: org.slot ?? i + 1,
      nodes: Array.from({ length: org.peers }, (_, p) => ({
        kind: 'peer' as const,
        name: `peer${p}`,
        host: `peer${p}.${domain}`,
        index: p,
        org: org.name,
      })),
      users: org.users,
    };
  });
}

/** All organisations: the orderer org first, then the peer orgs in file order. */
export function organizations(t: TopologyNames): OrgInfo[] {
  return [ordererOrgInfo(t), ...peerOrgInfos(t)];
}

/** Looks up an organisation by name (case-insensitive) or MSP ID. */
export function findOrganization(t: TopologyNames, nameOrMspId: string): OrgInfo | undefined {
  const key = nameOrMspId.toLowerCase();
  return organizations(t).find((o) => o.name.toLowerCase() === key || o.mspId.toLowerCase() === key);
}
