/**
 * Kubernetes names derived from the topology: the one place that says what each node, CA and
 * chaincode server is called in a cluster, and which Secrets hold its MSP and TLS material.
 *
 * Object names must be DNS-1035 labels (lower case, no dots), so a Fabric host name such as
 * `peer0.org1.example.com` becomes `peer0-org1` (the topology's domain dropped) and an orderer
 * `orderer0.example.com` becomes `orderer0`. The Service names themselves are defined in
 * @fabpay/topology (service-names.ts), because the CA tooling puts them in TLS certificates; this
 * module checks them and derives the Secret names from them.
 */
import {
  caServiceName as topologyCaServiceName,
  chaincodeServiceName as topologyChaincodeServiceName,
  nodeServiceName as topologyNodeServiceName,
  organizations,
  type NodeInfo,
  type OrgInfo,
  type TopologyNames,
} from '@fabpay/topology';
import type { CaTier } from '@fabpay/ca';

/** Kubernetes object names are DNS-1035 labels of at most 63 characters. */
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A topology whose names cannot become Kubernetes object names. */
export class KubernetesNameError extends Error {
  override readonly name = 'KubernetesNameError';
}

function label(name: string, what: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new KubernetesNameError(
      `${what}: "${name}" is not a valid Kubernetes object name (a DNS-1035 label of at most 63 characters)`,
    );
  }
  return name;
}

/** The Service (and StatefulSet) name of an orderer or peer: `orderer0`, `peer0-org1` (@fabpay/topology's). */
export function nodeServiceName(node: Pick<NodeInfo, 'kind' | 'name' | 'org'>): string {
  return label(topologyNodeServiceName(node), `node ${node.name} of ${node.org}`);
}

/** The Deployment and Service name of a peer's own chaincode server: `peer0-org1-chaincode`. */
export function chaincodeServiceName(peer: Pick<NodeInfo, 'name' | 'org'>): string {
  return label(topologyChaincodeServiceName(peer), `chaincode server of ${peer.name}`);
}

/** The Deployment and Service name of one of an org's CA servers: `org1-intermediate-ca`. */
export function caServiceName(org: string, tier: CaTier): string {
  return label(topologyCaServiceName(org, tier), `${org} ${tier} CA`);
}

/** Secret holding a node's (or the org admin's) local MSP, under the keys of {@link MSP_SECRET_FILES}. */
export function mspSecretName(serviceName: string): string {
  return label(`${serviceName}-msp`, `MSP secret of ${serviceName}`);
}

/** Secret holding a node's TLS key pair: ca.crt, server.crt, server.key (the CA tooling's names). */
export function tlsSecretName(serviceName: string): string {
  return label(`${serviceName}-tls`, `TLS secret of ${serviceName}`);
}

/** Secret of an org's admin: its MSP (`<org>-admin-msp`) and client TLS (`<org>-admin-tls`). */
export function adminSecretNames(org: string): { msp: string; tls: string } {
  const base = `${org.toLowerCase()}-admin`;
  return { msp: mspSecretName(base), tls: tlsSecretName(base) };
}

/**
 * Secret with a CA server's identity: its signing certificate and key (the intermediate's chain
 * too) from the local CA home, and its server configuration (signing profiles, registry with the
 * bootstrap admin), so that in the cluster it is the CA that issued every MSP. Keys:
 * {@link caIdentitySecretKeys}.
 */
export function caIdentitySecretName(org: string, tier: CaTier): string {
  return label(`${caServiceName(org, tier)}-identity`, `${org} ${tier} CA identity secret`);
}

/** The server configuration's key in a CA identity Secret (fabric-ca-server's default file name). */
export const CA_CONFIG_KEY = 'fabric-ca-server-config.yaml';

/** The keys of a CA identity Secret: configuration, certificate, key, and the intermediate's chain. */
export function caIdentitySecretKeys(tier: CaTier): string[] {
  const files = [CA_CONFIG_KEY, 'ca-cert.pem', 'ca-key.pem'];
  return tier === 'intermediate' ? [...files, 'ca-chain.pem'] : files;
}

/** Secret with the TLS key pair the org's TLS CA issued to its root or intermediate CA server. */
export function caTlsSecretName(org: string, tier: CaTier): string {
  return tlsSecretName(caServiceName(org, tier));
}

/**
 * The files of a local MSP as Secret keys (Secret keys cannot contain `/`) and the path each is
 * mounted at. The CA tooling writes exactly these files (ca/src/msp/build.ts), so no name has to
 * be discovered.
 */
export const MSP_SECRET_FILES: ReadonlyArray<{ key: string; path: string }> = [
  { key: 'config.yaml', path: 'config.yaml' },
  { key: 'cacerts-ca.pem', path: 'cacerts/ca.pem' },
  { key: 'intermediatecerts-ca.pem', path: 'intermediatecerts/ca.pem' },
  { key: 'tlscacerts-ca.pem', path: 'tlscacerts/ca.pem' },
  { key: 'signcerts-cert.pem', path: 'signcerts/cert.pem' },
  { key: 'keystore-priv_sk', path: 'keystore/priv_sk' },
];

/** The keys of a node's TLS Secret (the files of `<node>/tls`). */
export const TLS_SECRET_KEYS = ['ca.crt', 'server.crt', 'server.key'] as const;
/** The keys of an org admin's TLS Secret (the files of `users/Admin@<domain>/tls`). */
export const ADMIN_TLS_SECRET_KEYS = ['ca.crt', 'client.crt', 'client.key'] as const;

/** Every Secret the chart's workloads mount or read, with the keys each must have. */
export interface ExpectedSecret {
  name: string;
  keys: string[];
  /** What the Secret is for, for the chart's documentation. */
  purpose: string;
}

/** The orgs and nodes of a topology that the chart deploys (removed orgs and orderers left out). */
export function deployedOrgs(t: TopologyNames): OrgInfo[] {
  return organizations(t).filter((o) => !t.orgs.find((x) => x.name === o.name)?.removed);
}

/** The CA tiers every organisation runs. */
export const CA_TIERS_IN_CLUSTER: readonly CaTier[] = ['tls', 'root', 'intermediate'];

/**
 * Every Secret the chart references (mounted or read by a workload) plus the org admins' Secrets,
 * which no workload mounts but which `--with-secrets` writes for operators' tools.
 */
export function expectedSecrets(t: TopologyNames): { referenced: ExpectedSecret[]; admin: ExpectedSecret[] } {
  const referenced: ExpectedSecret[] = [];
  const admin: ExpectedSecret[] = [];
  for (const org of deployedOrgs(t)) {
    for (const tier of CA_TIERS_IN_CLUSTER) {
      referenced.push({
        name: caIdentitySecretName(org.name, tier),
        keys: caIdentitySecretKeys(tier),
        purpose: `${org.name} ${tier} CA identity (signing certificate and key, server configuration)`,
      });
    }
    for (const tier of ['root', 'intermediate'] as const) {
      referenced.push({
        name: caTlsSecretName(org.name, tier),
        keys: [...TLS_SECRET_KEYS],
        purpose: `${org.name} ${tier} CA server TLS (issued by the org's TLS CA)`,
      });
    }
    for (const node of org.nodes) {
      const svc = nodeServiceName(node);
      referenced.push({
        name: mspSecretName(svc),
        keys: MSP_SECRET_FILES.map((f) => f.key),
        purpose: `${node.host} local MSP`,
      });
      referenced.push({ name: tlsSecretName(svc), keys: [...TLS_SECRET_KEYS], purpose: `${node.host} TLS` });
    }
    const a = adminSecretNames(org.name);
    admin.push({ name: a.msp, keys: MSP_SECRET_FILES.map((f) => f.key), purpose: `${org.name} admin MSP` });
    admin.push({ name: a.tls, keys: [...ADMIN_TLS_SECRET_KEYS], purpose: `${org.name} admin client TLS` });
  }
  return { referenced, admin };
}
