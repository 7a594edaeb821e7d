/**
 * The Kubernetes Service name of every node, chaincode server and CA of a topology: the one
 * definition that both the chart (network/src/kubernetes) and the CA tooling use. The chart
 * addresses every node and CA by this short name (it resolves within the release's namespace
 * through the pod's DNS search path), so the CA tooling puts it in each TLS certificate's hosts;
 * deriving both from here is what keeps a cluster's TLS hostname checks passing.
 *
 * The names are DNS-1035 labels by construction: organisation names are letters, digits and
 * inner hyphens of at most 32 characters (schema.ts), so `peer<n>-<org>-chaincode` and
 * `<org>-intermediate-ca` stay well within 63 characters.
 */
import type { CaTierName } from './ca-names';
import type { NodeInfo } from './hosts';

/** The Service (and StatefulSet) name of an orderer or peer: `orderer0`, `peer0-org1`. */
export function nodeServiceName(node: Pick<NodeInfo, 'kind' | 'name' | 'org'>): string {
  return node.kind === 'orderer' ? node.name : `${node.name}-${node.org.toLowerCase()}`;
}

/** The Service (and Deployment) name of a peer's own chaincode server: `peer0-org1-chaincode`. */
export function chaincodeServiceName(peer: Pick<NodeInfo, 'name' | 'org'>): string {
  return `${nodeServiceName({ kind: 'peer', ...peer })}-chaincode`;
}

/** The Service (and Deployment) name of one of an org's CA servers: `org1-intermediate-ca`. */
export function caServiceName(org: string, tier: CaTierName): string {
  return `${org.toLowerCase()}-${tier}-ca`;
}
