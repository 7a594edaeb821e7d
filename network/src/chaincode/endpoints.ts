import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planPorts } from '@fabpay/topology';
import type { NetworkContext } from '../context';
import { peersOf } from '../context';
import type { NodeSpec } from '../nodes/specs';

/** The port of a peer's own chaincode server, from the port plan. */
export function chaincodeServerPort(ctx: Pick<NetworkContext, 'topology'>, peerHost: string): number {
  for (const org of planPorts(ctx.topology).orgs) {
    const port = org.peers.find((p) => p.host === peerHost)?.chaincodeServer;
    if (port !== undefined) return port;
  }
  throw new Error(`port plan has no chaincode server port for ${peerHost}`);
}

/**
 * Where a peer's chaincode server listens: on its peer's address (127.0.0.1, or the peer's host's
 * address), so only that peer's host reaches it. The peer dials it by the address in its builder
 * configuration (nodes/specs: its own host name on hosts).
 */
export function chaincodeServerAddress(ctx: Pick<NetworkContext, 'topology'>, peer: NodeSpec): string {
  return `${peer.address}:${chaincodeServerPort(ctx, peer.host)}`;
}

/**
 * TLS material of a peer's chaincode server: the peer's own TLS key pair, issued by the org's TLS
 * CA for the peer's host name, 127.0.0.1 and localhost (and its host's address), which is what
 * the peer checks (the package's root_cert is the org's TLS CA, the same for every peer of the
 * org). No extra identity is needed.
 */
export function chaincodeTls(peer: NodeSpec): { cert: string; key: string; ca: string; caPem: string } {
  const ca = path.join(peer.tlsDir, 'ca.crt');
  return {
    cert: path.join(peer.tlsDir, 'server.crt'),
    key: path.join(peer.tlsDir, 'server.key'),
    ca,
    caPem: readFileSync(ca, 'utf8'),
  };
}

/** The org's TLS CA certificate (PEM), the root every chaincode server of the org is checked against. */
export function orgTlsRootPem(ctx: NetworkContext, org: string): string {
  const peer = peersOf(ctx, org)[0];
  if (!peer) throw new Error(`${org} has no peers`);
  return chaincodeTls(peer).caPem;
}
