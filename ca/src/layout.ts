/**
 * Where every CA server, MSP and TLS folder lives on disk. The network tool reads these paths to
 * configure peers, orderers and configtxgen, so this module is the contract.
 *
 * ```
 * <run>/ca/<org>/                    one directory per organisation (org name lower-cased)
 *   secrets.json                     bootstrap admin and identity secrets (0600)
 *   servers/{tls,root,intermediate}/ CA server homes: config, certs, db, server.pid, server.log
 *   clients/<tier>-admin/            fabric-ca-client homes of the bootstrap admins
 *   msp/                             the organisation's channel MSP (for configtxgen)
 *   peers|orderers/<host>/msp        local MSP of a node
 *   peers|orderers/<host>/tls        ca.crt, server.crt, server.key
 *   users/<name>@<org domain>/msp    local MSP of the org admin (Admin@...) and of each user
 *   users/Admin@<org domain>/tls     client TLS certificate of the org admin (ca.crt, client.crt, client.key)
 * <run>/wallets/<org>/<label>.id     wallet identities (admin and every topology user)
 * ```
 */
import { join } from 'node:path';
import {
  caRunDir,
  organizations,
  walletDir,
  type NodeInfo,
  type OrgInfo,
  type PathEnv,
  type TopologyNames,
} from '@fabpay/topology';
import { IdentityNotFoundError } from './errors';

/** The three CA servers of an organisation. */
export type CaTier = 'tls' | 'root' | 'intermediate';
export const CA_TIERS: readonly CaTier[] = ['tls', 'root', 'intermediate'];

/** Paths of a node (peer or orderer). */
export interface NodePaths {
  host: string;
  kind: 'peer' | 'orderer';
  /** Local MSP: signcerts, keystore, cacerts, intermediatecerts, tlscacerts, config.yaml. */
  msp: string;
  /** TLS folder: ca.crt (TLS CA), server.crt, server.key. */
  tls: string;
}

/** Paths of a user (the org admin or a client user). */
export interface UserPaths {
  /** Enrollment ID at the org's intermediate CA. */
  enrollmentId: string;
  msp: string;
  /** Wallet file `<label>.id`. */
  walletFile: string;
  walletLabel: string;
}

/** Paths of one CA server. */
export interface ServerPaths {
  tier: CaTier;
  home: string;
  config: string;
  pidFile: string;
  logFile: string;
  /** The CA's own certificate (PEM), written by the server on first start. */
  caCert: string;
  /** The intermediate's chain (its certificate, then the root's), written when it enrolls at the root. */
  caChain: string;
  /** The server's BCCSP key store: its signing key (`<SKI>_sk`), and the TLS CA's own TLS key. */
  keystore: string;
  /** TLS server certificate and key of the root and intermediate CA, issued by the org's TLS CA. */
  tlsCert: string;
  tlsKey: string;
}

/** Everything on disk for one organisation. */
export interface OrgPaths {
  org: string;
  mspId: string;
  kind: 'peer' | 'orderer';
  dir: string;
  secrets: string;
  /** Temporary enrollment homes (emptied after each use). */
  scratch: string;
  servers: Record<CaTier, ServerPaths>;
  /** fabric-ca-client home of each tier's bootstrap admin. */
  clients: Record<CaTier, string>;
  /** The organisation's channel MSP for configtxgen (cacerts, intermediatecerts, tlscacerts, crls, config.yaml). */
  channelMsp: string;
  /** Local MSP of the org admin (`Admin@<domain>`). */
  adminMsp: string;
  /** Client TLS folder of the org admin: ca.crt, client.crt, client.key (TLS CA issued; for osnadmin and mutual TLS). */
  adminTls: string;
  admin: UserPaths;
  /** The TLS CA certificate (the one TLS root of the org). */
  tlsCaCert: string;
  nodes: NodePaths[];
  users: UserPaths[];
  walletDir: string;
  /** Identity store holding the intermediate CA's registrar (its bootstrap admin), for the programmatic API. */
  registrarStore: string;
}

/** Directory of an organisation: `<run>/ca/<org lower-cased>`. */
export function orgDir(org: string, env?: PathEnv): string {
  return join(caRunDir(env), org.toLowerCase());
}

/** Enrollment ID of the org admin. */
export function adminEnrollmentId(org: OrgInfo): string {
  return `Admin@${org.domain}`;
}

function serverPaths(dir: string, tier: CaTier): ServerPaths {
  const home = join(dir, 'servers', tier);
  return {
    tier,
    home,
    config: join(home, 'fabric-ca-server-config.yaml'),
    pidFile: join(home, 'server.pid'),
    logFile: join(home, 'server.log'),
    caCert: join(home, 'ca-cert.pem'),
    caChain: join(home, 'ca-chain.pem'),
    keystore: join(home, 'msp', 'keystore'),
    tlsCert: join(home, 'tls', 'server.crt'),
    tlsKey: join(home, 'tls', 'server.key'),
  };
}

function nodePaths(dir: string, node: NodeInfo): NodePaths {
  const base = join(dir, node.kind === 'peer' ? 'peers' : 'orderers', node.host);
  return { host: node.host, kind: node.kind, msp: join(base, 'msp'), tls: join(base, 'tls') };
}

function userPaths(
  dir: string,
  wallet: string,
  enrollmentId: string,
  label: string,
  domain: string,
): UserPaths {
  const name = enrollmentId.includes('@') ? enrollmentId : `${enrollmentId}@${domain}`;
  const base = join(dir, 'users', name);
  return {
    enrollmentId,
    msp: join(base, 'msp'),
    walletFile: join(wallet, `${label}.id`),
    walletLabel: label,
  };
}

/** All paths of one organisation. */
export function orgPaths(org: OrgInfo, env?: PathEnv): OrgPaths {
  const dir = orgDir(org.name, env);
  const wallet = walletDir(org.name, env);
  const admin = userPaths(dir, wallet, adminEnrollmentId(org), 'admin', org.domain);
  const servers = {
    tls: serverPaths(dir, 'tls'),
    root: serverPaths(dir, 'root'),
    intermediate: serverPaths(dir, 'intermediate'),
  };
  return {
    org: org.name,
    mspId: org.mspId,
    kind: org.kind,
    dir,
    secrets: join(dir, 'secrets.json'),
    scratch: join(dir, 'scratch'),
    servers,
    clients: {
      tls: join(dir, 'clients', 'tls-admin'),
      root: join(dir, 'clients', 'root-admin'),
      intermediate: join(dir, 'clients', 'intermediate-admin'),
    },
    channelMsp: join(dir, 'msp'),
    adminMsp: admin.msp,
    adminTls: join(admin.msp, '..', 'tls'),
    admin,
    tlsCaCert: servers.tls.caCert,
    nodes: org.nodes.map((n) => nodePaths(dir, n)),
    users: org.users.map((u) => userPaths(dir, wallet, u.name, u.name, org.domain)),
    walletDir: wallet,
    registrarStore: join(dir, 'registrar'),
  };
}

/** Paths for every organisation of a topology, keyed by organisation name. */
export interface TopologyPaths {
  orgs: OrgPaths[];
  /** Looks up an organisation by name (case-insensitive) or MSP ID. */
  org(nameOrMspId: string): OrgPaths;
  /** Looks up a node by host name, e.g. `peer0.org1.example.com`. */
  node(host: string): NodePaths;
}

/**
 * The paths helper: for each node its MSP and TLS dirs, for each org its channel MSP, admin MSP,
 * users and wallet directory.
 */
export function paths(topology: TopologyNames, env?: PathEnv): TopologyPaths {
  const orgs = organizations(topology).map((o) => orgPaths(o, env));
  return {
    orgs,
    org(nameOrMspId: string): OrgPaths {
      const key = nameOrMspId.toLowerCase();
      const found = orgs.find((o) => o.org.toLowerCase() === key || o.mspId.toLowerCase() === key);
      if (!found) throw new IdentityNotFoundError(`no organisation named "${nameOrMspId}" in the topology`);
      return found;
    },
    node(host: string): NodePaths {
      for (const o of orgs) {
        const n = o.nodes.find((x) => x.host === host);
        if (n) return n;
      }
      throw new IdentityNotFoundError(`no node with host name "${host}" in the topology`);
    },
  };
}
