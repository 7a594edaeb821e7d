/**
 * Where the network keeps its state, below `<home>/run/network`. The CA library owns `<run>/ca`
 * (MSPs, TLS folders) and `<run>/wallets`; everything here is generated from the topology and
 * rewritten on each `up`, except node data (the ledger is the record of what is deployed).
 *
 * ```
 * <run>/network/
 *   config/peer/core.yaml          sample core.yaml + external builder (FABRIC_CFG_PATH of peers and the peer CLI)
 *   config/orderer/orderer.yaml    sample orderer.yaml (FABRIC_CFG_PATH of orderers)
 *   channel/configtx.yaml          generated channel configuration
 *   channel/<channel>.block        genesis block (configtxgen)
 *   nodes/<host>/{data,node.log,node.pid}
 *   nodes/<peer host>/snapshots/completed/<channel>/<block>  the peer's ledger snapshots (`fabpay-network snapshot`)
 *   chaincode/<org>/package.tgz    the org's ccaas package (one for all its peers)
 *   chaincode/<org>/<peer host>/{server.log,server.pid}  the peer's own chaincode server
 *   chaincode/<org>/<peer host>/server.pid.{ccid,genesis}  package ID and genesis digest it runs with
 *   builders/ccaas/bin/            the ccaas external builder the peers use (copied from network/builders)
 *   supervisor/{supervisor.log,supervisor.pid}  the supervisor (`up --supervise`), when running
 *   governance/genesis.json        genesis governance terms (MSP IDs) from the topology
 *   governance/genesis.sha256      their digest: FABPAY_GOVERNANCE_GENESIS_SHA256 of every chaincode server
 *   profiles/connection-<org>.json common connection profile per org
 *   profiles/<org>-admin.env       environment for the peer CLI as the org admin
 *   caliper/<org>/{networkconfig.yaml,benchmark.yaml,report.html}  Caliper workspace (`fabpay-network caliper`)
 * ```
 */
import path from 'node:path';
import { runDir, type PathEnv } from '@fabpay/topology';

export interface NetworkLayout {
  root: string;
  peerConfigDir: string;
  ordererConfigDir: string;
  channelDir: string;
  nodesDir: string;
  chaincodeDir: string;
  profilesDir: string;
}

export function networkLayout(env?: PathEnv): NetworkLayout {
  const root = path.join(runDir(env), 'network');
  return {
    root,
    peerConfigDir: path.join(root, 'config', 'peer'),
    ordererConfigDir: path.join(root, 'config', 'orderer'),
    channelDir: path.join(root, 'channel'),
    nodesDir: path.join(root, 'nodes'),
    chaincodeDir: path.join(root, 'chaincode'),
    profilesDir: path.join(root, 'profiles'),
  };
}

/** A node's own files. */
export function nodeFiles(
  layout: NetworkLayout,
  host: string,
): { dir: string; data: string; log: string; pid: string } {
  const dir = path.join(layout.nodesDir, host);
  return {
    dir,
    data: path.join(dir, 'data'),
    log: path.join(dir, 'node.log'),
    pid: path.join(dir, 'node.pid'),
  };
}

/** An org's chaincode files: its package, the same for every peer of the org. */
export function chaincodeFiles(layout: NetworkLayout, org: string): { dir: string; pkg: string } {
  const dir = path.join(layout.chaincodeDir, org.toLowerCase());
  return { dir, pkg: path.join(dir, 'package.tgz') };
}

/** The files of one peer's chaincode server (each peer has its own). */
export function chaincodeServerFiles(
  layout: NetworkLayout,
  peer: { org: string; host: string },
): { dir: string; log: string; pid: string } {
  const dir = path.join(chaincodeFiles(layout, peer.org).dir, peer.host);
  return { dir, log: path.join(dir, 'server.log'), pid: path.join(dir, 'server.pid') };
}

/** The supervisor's files (`fabpay-network supervise`). */
export function supervisorFiles(layout: NetworkLayout): { dir: string; log: string; pid: string } {
  const dir = path.join(layout.root, 'supervisor');
  return { dir, log: path.join(dir, 'supervisor.log'), pid: path.join(dir, 'supervisor.pid') };
}

/** Where the network's copy of the ccaas external builder lives (the peers' core.yaml names it). */
export function buildersDir(layout: NetworkLayout): string {
  return path.join(layout.root, 'builders');
}

/** The genesis governance terms written from the topology, and their digest. */
export function governanceFiles(layout: NetworkLayout): { dir: string; terms: string; digest: string } {
  const dir = path.join(layout.root, 'governance');
  return { dir, terms: path.join(dir, 'genesis.json'), digest: path.join(dir, 'genesis.sha256') };
}

/**
 * A peer's `ledger.snapshots.rootDir`: completed snapshots land in
 * `<dir>/completed/<channel>/<last block number>`. Fabric's sample core.yaml names one absolute
 * directory (/var/hyperledger/production/snapshots) for every peer on the machine, and each peer
 * empties its `temp/` on start, so peers sharing it would destroy each other's snapshots in progress
 * (and two networks with the same channel name would collide on `completed/`).
 */
export function peerSnapshotsDir(layout: NetworkLayout, host: string): string {
  return path.join(layout.nodesDir, host, 'snapshots');
}
