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
 *   chaincode/<org>/{connection.json,package.tgz,server.log,server.pid}
 *   chaincode/<org>/server.pid.{ccid,genesis}  package ID and genesis digest the server runs with
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

/** An org's chaincode server files. */
export function chaincodeFiles(
  layout: NetworkLayout,
  org: string,
): { dir: string; connection: string; pkg: string; log: string; pid: string } {
  const dir = path.join(layout.chaincodeDir, org.toLowerCase());
  return {
    dir,
    connection: path.join(dir, 'connection.json'),
    pkg: path.join(dir, 'package.tgz'),
    log: path.join(dir, 'server.log'),
    pid: path.join(dir, 'server.pid'),
  };
}

/** The genesis governance terms written from the topology, and their digest. */
export function governanceFiles(layout: NetworkLayout): { dir: string; terms: string; digest: string } {
  const dir = path.join(layout.root, 'governance');
  return { dir, terms: path.join(dir, 'genesis.json'), digest: path.join(dir, 'genesis.sha256') };
}
