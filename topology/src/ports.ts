/**
 * THE port plan: the one place every port of the network comes from. Nothing may rely on a
 * binary's default port, because peer operations, orderer admin and CA operations all default to
 * 127.0.0.1:9443 and would collide.
 *
 * Layout (B = portBase; organisation block `O = B + 100 * orgIndex`, where orgIndex 0 is the
 * orderer org and 1..n are the peer orgs in file order):
 *
 * | port            | what                                                     |
 * |-----------------|----------------------------------------------------------|
 * | O + 0 / O + 1   | TLS CA listen / operations                               |
 * | O + 2 / O + 3   | root CA listen / operations                              |
 * | O + 4 / O + 5   | intermediate CA listen / operations                      |
 * | O + 10 + 10k    | node k (orderer k or peer k) listen                      |
 * | O + 11 + 10k    | orderer k admin (osnadmin) / peer k chaincode listen     |
 * | O + 12 + 10k    | node k operations (/healthz, /metrics)                   |
 * | O + 13 + 10k    | peer k's own chaincode server (CCaaS)                    |
 *
 * Every peer has its own chaincode server (one crash leaves the org's other peers endorsing), so
 * that port sits in the peer's block. With the default B = 7000: orderer org CAs 7000-7005,
 * orderer0 7010/7011/7012, orderer1 7020...; Org1 CAs 7100-7105, peer0.org1 7110/7111/7112 and its
 * chaincode server 7113, peer1.org1 7120...; Org2 starts at 7200. Up to 8 nodes per org fit in a
 * block (k <= 7 -> O + 83). O + 9 (an org-wide chaincode server before) is unused.
 */
import { organizations, type OrgInfo } from './hosts';
import type { Topology } from './schema';

/** Size of one organisation's port block. */
export const ORG_PORT_BLOCK = 100;
/** Highest usable TCP port. */
export const MAX_PORT = 65535;

/** Listen and operations ports of one CA server. */
export interface CaPorts {
  listen: number;
  operations: number;
}

/** The three CA servers of an organisation. */
export interface OrgCaPorts {
  tls: CaPorts;
  root: CaPorts;
  intermediate: CaPorts;
}

export interface OrdererPorts {
  host: string;
  listen: number;
  /** Channel participation API (osnadmin). */
  admin: number;
  operations: number;
}

export interface PeerPorts {
  host: string;
  listen: number;
  /** Where the peer listens for chaincode connections. */
  chaincode: number;
  operations: number;
  /** The peer's own chaincode-as-a-service server, which only this peer connects to. */
  chaincodeServer: number;
}

export interface OrgPorts {
  org: string;
  kind: 'orderer' | 'peer';
  /** First port of the organisation's block. */
  base: number;
  cas: OrgCaPorts;
  /** Only for the orderer org. */
  orderers: OrdererPorts[];
  /** Only for peer orgs. */
  peers: PeerPorts[];
}

/** One port and who uses it, for listings and collision checks. */
export interface PortAssignment {
  port: number;
  /** e.g. `peer0.org1.example.com` or `Org1 root CA`. */
  owner: string;
  /** e.g. `listen`, `operations`, `admin`, `chaincode`. */
  role: string;
}

export interface PortPlan {
  portBase: number;
  orgs: OrgPorts[];
  /** Every port in the plan, sorted by port number. */
  all: PortAssignment[];
}

/** The port plan cannot be laid out (a port above 65535 or two users of one port). */
export class PortPlanError extends Error {
  override readonly name = 'PortPlanError';
}

function orgPorts(org: OrgInfo, portBase: number): OrgPorts {
  const base = portBase + ORG_PORT_BLOCK * org.index;
  const node = (k: number, offset: number): number => base + 10 + 10 * k + offset;
  return {
    org: org.name,
    kind: org.kind,
    base,
    cas: {
      tls: { listen: base, operations: base + 1 },
      root: { listen: base + 2, operations: base + 3 },
      intermediate: { listen: base + 4, operations: base + 5 },
    },
    orderers:
      org.kind === 'orderer'
        ? org.nodes.map((n) => ({
            host: n.host,
            listen: node(n.index, 0),
            admin: node(n.index, 1),
            operations: node(n.index, 2),
          }))
        : [],
    peers:
      org.kind === 'peer'
        ? org.nodes.map((n) => ({
            host: n.host,
            listen: node(n.index, 0),
            chaincode: node(n.index, 1),
            operations: node(n.index, 2),
            chaincodeServer: node(n.index, 3),
          }))
        : [],
  };
}

function assignments(o: OrgPorts): PortAssignment[] {
  const out: PortAssignment[] = [];
  for (const [tier, label] of [
    ['tls', 'TLS CA'],
    ['root', 'root CA'],
    ['intermediate', 'intermediate CA'],
  ] as const) {
    out.push({ port: o.cas[tier].listen, owner: `${o.org} ${label}`, role: 'listen' });
    out.push({ port: o.cas[tier].operations, owner: `${o.org} ${label}`, role: 'operations' });
  }
  for (const n of o.orderers) {
    out.push({ port: n.listen, owner: n.host, role: 'listen' });
    out.push({ port: n.admin, owner: n.host, role: 'admin' });
    out.push({ port: n.operations, owner: n.host, role: 'operations' });
  }
  for (const n of o.peers) {
    out.push({ port: n.listen, owner: n.host, role: 'listen' });
    out.push({ port: n.chaincode, owner: n.host, role: 'chaincode' });
    out.push({ port: n.operations, owner: n.host, role: 'operations' });
    out.push({ port: n.chaincodeServer, owner: `${n.host} chaincode server`, role: 'listen' });
  }
  return out;
}

/**
 * Verifies that no two assignments share a port and every port is in 1..65535.
 * @throws PortPlanError naming the offending owners.
 */
export function checkPorts(all: readonly PortAssignment[]): void {
  const seen = new Map<number, PortAssignment>();
  for (const a of all) {
    if (!Number.isInteger(a.port) || a.port < 1 || a.port > MAX_PORT) {
      throw new PortPlanError(
        `port plan: ${a.owner} ${a.role} would use port ${a.port}, outside 1..${MAX_PORT}; lower portBase`,
      );
    }
    const prev = seen.get(a.port);
    if (prev) {
      throw new PortPlanError(
        `port plan: port ${a.port} is assigned twice: ${prev.owner} ${prev.role} and ${a.owner} ${a.role}`,
      );
    }
    seen.set(a.port, a);
  }
}

/**
 * Lays out every port of the topology (see the module documentation for the layout).
 * Deterministic: the same topology always gives the same plan.
 * @throws PortPlanError when a port would exceed 65535 or collide.
 */
export function planPorts(t: Pick<Topology, 'portBase' | 'domain' | 'ordererOrg' | 'orgs'>): PortPlan {
  const orgs = organizations(t).map((o) => orgPorts(o, t.portBase));
  const all = orgs.flatMap(assignments).sort((a, b) => a.port - b.port);
  checkPorts(all);
  return { portBase: t.portBase, orgs, all };
}

/** The ports of one organisation, by name (case-insensitive). */
export function orgPortsOf(plan: PortPlan, org: string): OrgPorts {
  const found = plan.orgs.find((o) => o.org.toLowerCase() === org.toLowerCase());
  if (!found) throw new PortPlanError(`port plan: no organisation named "${org}"`);
  return found;
}
