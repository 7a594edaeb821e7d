/**
 * The host names and addresses each TLS server certificate the CA tooling issues must cover: the
 * CSR hosts of every node's and every CA server's certificate. One module, so that setup (which
 * issues them and re-issues one whose hosts differ), the operator commands (reenroll), the CA
 * server configuration and the Kubernetes chart's tests all agree on the same list.
 *
 * Each certificate names:
 * - the Fabric host name (`peer0.org1.example.com`, `ica.org1.example.com`), which the local
 *   network and configtx use;
 * - its Kubernetes Service name (@fabpay/topology service-names.ts), which the chart dials: a
 *   short name that resolves within the release's namespace, so no namespace or cluster domain
 *   has to be known when the certificate is issued. A peer's certificate also names its chaincode
 *   server's Service, because the chaincode server presents its peer's key pair;
 * - `localhost` and `127.0.0.1`, and the address of its host when the topology places it on one
 *   (tools outside the host's namespace dial the address).
 */
import {
  caHost,
  caServiceName,
  chaincodeServiceName,
  LOOPBACK_ADDRESS,
  nodeServiceName,
  type CaTierName,
  type NodeInfo,
} from '@fabpay/topology';
import { isExpired, issuedBy, keyMatchesCert, subjectAltNames } from './certs';

const loopback = (address: string): string[] =>
  address === LOOPBACK_ADDRESS ? ['localhost', LOOPBACK_ADDRESS] : ['localhost', LOOPBACK_ADDRESS, address];

/** Hosts of a node's TLS server certificate (and of its enrollment certificate's CSR). */
export function nodeHosts(
  node: Pick<NodeInfo, 'kind' | 'name' | 'org' | 'host'>,
  address: string = LOOPBACK_ADDRESS,
): string[] {
  const services =
    node.kind === 'peer' ? [nodeServiceName(node), chaincodeServiceName(node)] : [nodeServiceName(node)];
  return [node.host, ...services, ...loopback(address)];
}

/** Hosts of a CA server's TLS certificate (and of its CSR): `org` is its organisation. */
export function caHosts(
  tier: CaTierName,
  org: { name: string; domain: string },
  address: string = LOOPBACK_ADDRESS,
): string[] {
  return [caHost(tier, org.domain), caServiceName(org.name, tier), ...loopback(address)];
}

/**
 * Why a TLS key pair can no longer be used for `hosts`, or undefined when it is fine. A
 * certificate covering more hosts than asked for is fine, so adding a name re-issues each
 * certificate once and never again.
 */
export function tlsCertProblem(
  tls: { cert: string; key: string } | undefined,
  tlsCaCert: string,
  hosts: string[],
): string | undefined {
  if (!tls) return 'no TLS certificate';
  if (!keyMatchesCert(tls.key, tls.cert)) return 'TLS key does not match certificate';
  if (!issuedBy(tls.cert, tlsCaCert)) return 'TLS certificate not issued by the TLS CA';
  if (isExpired(tls.cert)) return 'TLS certificate expired';
  const san = subjectAltNames(tls.cert);
  if (!hosts.every((h) => san.dns.includes(h) || san.ip.includes(h))) return 'TLS certificate hosts differ';
  return undefined;
}
