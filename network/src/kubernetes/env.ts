/**
 * The in-cluster environment of orderers and peers, derived from the local network's own node
 * specs (nodes/specs.ts), so the two cannot drift apart: every setting the local network gives a
 * node reaches the cluster, either unchanged or through the table below, which replaces local
 * addresses with Service DNS names and local paths with the container's mount points. A new
 * setting in specs.ts whose value is an address or a path, and which this table does not know,
 * stops chart generation with a {@link KubernetesConfigError} rather than leak `127.0.0.1` or a
 * path of this machine into the chart.
 */
import type { NodeSpec } from '../nodes/specs';
import { CCAAS_BUILDER_CONFIG_ENV, ccaasBuilderConfig } from '../chaincode/builder-config';

/** A node setting the chart does not know how to express in a cluster. */
export class KubernetesConfigError extends Error {
  override readonly name = 'KubernetesConfigError';
}

/** Where things are inside the Fabric containers. */
export const MOUNTS = {
  config: '/etc/hyperledger/fabric/config',
  msp: '/etc/hyperledger/fabric/msp',
  tls: '/etc/hyperledger/fabric/tls',
  data: '/var/hyperledger/production',
} as const;

/** Settings of the local process that mean nothing in a container (the image sets its own). */
const DROPPED = new Set(['PATH', 'HOME', 'TMPDIR']);

/** How a node is addressed in the cluster. */
export interface ClusterAddressing {
  /** `host:port` other pods dial a node at (its Service DNS name and a port of the port plan). */
  address(host: string, port: number): string;
  /** `host:port` of a peer's own chaincode server. */
  chaincodeServer(peerHost: string): string;
}

const listenAll = (port: number): string => `0.0.0.0:${port}`;

function overrides(spec: NodeSpec, at: ClusterAddressing, peers: NodeSpec[]): Record<string, string> {
  const tls = (file: string): string => `${MOUNTS.tls}/${file}`;
  const p = spec.process.env ?? {};
  const portOf = (key: string): number => Number(/:(\d+)$/.exec(p[key] ?? '')?.[1]);
  if (spec.kind === 'orderer') {
    return {
      FABRIC_CFG_PATH: MOUNTS.config,
      ORDERER_GENERAL_LISTENADDRESS: '0.0.0.0',
      ORDERER_GENERAL_LOCALMSPDIR: MOUNTS.msp,
      ORDERER_GENERAL_TLS_PRIVATEKEY: tls('server.key'),
      ORDERER_GENERAL_TLS_CERTIFICATE: tls('server.crt'),
      ORDERER_GENERAL_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls('server.crt'),
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls('server.key'),
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls('ca.crt')}]`,
      ORDERER_FILELEDGER_LOCATION: `${MOUNTS.data}/ledger`,
      ORDERER_CONSENSUS_WALDIR: `${MOUNTS.data}/etcdraft/wal`,
      ORDERER_CONSENSUS_SNAPDIR: `${MOUNTS.data}/etcdraft/snapshot`,
      ORDERER_OPERATIONS_LISTENADDRESS: listenAll(spec.operations),
      ORDERER_ADMIN_LISTENADDRESS: listenAll(spec.second),
      ORDERER_ADMIN_TLS_PRIVATEKEY: tls('server.key'),
      ORDERER_ADMIN_TLS_CERTIFICATE: tls('server.crt'),
      // The node's TLS secret's ca.crt is its org's TLS CA, the one that issues the admin's client certificate.
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tls('ca.crt')}]`,
    };
  }
  const own = at.address(spec.host, spec.listen);
  const others = peers
    .filter((q) => q.org === spec.org && q.host !== spec.host)
    .map((q) => at.address(q.host, q.listen));
  return {
    FABRIC_CFG_PATH: MOUNTS.config,
    CORE_PEER_ADDRESS: own,
    CORE_PEER_LISTENADDRESS: listenAll(spec.listen),
    CORE_PEER_CHAINCODEADDRESS: at.address(spec.host, portOf('CORE_PEER_CHAINCODEADDRESS')),
    CORE_PEER_CHAINCODELISTENADDRESS: listenAll(portOf('CORE_PEER_CHAINCODELISTENADDRESS')),
    CORE_PEER_GOSSIP_BOOTSTRAP: (others.length ? others : [own]).join(' '),
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: own,
    CORE_PEER_GOSSIP_ENDPOINT: own,
    CORE_PEER_MSPCONFIGPATH: MOUNTS.msp,
    CORE_PEER_FILESYSTEMPATH: MOUNTS.data,
    CORE_PEER_TLS_CERT_FILE: tls('server.crt'),
    CORE_PEER_TLS_KEY_FILE: tls('server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: tls('ca.crt'),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: `${MOUNTS.data}/snapshots`,
    CORE_OPERATIONS_LISTENADDRESS: listenAll(spec.operations),
    [CCAAS_BUILDER_CONFIG_ENV]: ccaasBuilderConfig(spec.host, at.chaincodeServer(spec.host)),
  };
}

/** True for a value that names this machine: a loopback address or an absolute path. */
function isLocal(value: string): boolean {
  return /127\.0\.0\.1|localhost|(^|[\s[,:])\//.test(value);
}

/**
 * The environment of one orderer or peer in the cluster, in the order the local spec sets it.
 * @throws KubernetesConfigError for a local address or path the table does not translate.
 */
export function clusterEnv(spec: NodeSpec, at: ClusterAddressing, all: NodeSpec[]): Array<[string, string]> {
  const table = overrides(
    spec,
    at,
    all.filter((n) => n.kind === 'peer'),
  );
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(spec.process.env ?? {})) {
    if (DROPPED.has(key) || value === undefined) continue;
    const replaced = table[key];
    if (replaced !== undefined) {
      out.push([key, replaced]);
    } else if (isLocal(value)) {
      throw new KubernetesConfigError(
        `${spec.host}: ${key}=${value} names this machine, and the Kubernetes chart has no in-cluster value for it; add it to network/src/kubernetes/env.ts`,
      );
    } else {
      out.push([key, value]);
    }
  }
  return out;
}
