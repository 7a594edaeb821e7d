import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planPorts } from '@fabpay/topology';
import type { NetworkContext } from '../context';
import { peersOf } from '../context';

/** The port of an organisation's chaincode server, from the port plan. */
export function chaincodePort(ctx: NetworkContext, org: string): number {
  const port = planPorts(ctx.topology).orgs.find((o) => o.org === org)?.chaincodeServer;
  if (port === undefined) throw new Error(`port plan has no chaincode server port for ${org}`);
  return port;
}

/**
 * TLS material of an organisation's chaincode server. The server presents the TLS key pair of the
 * org's first peer: it is issued by the org's TLS CA for 127.0.0.1 and localhost, which is what
 * the peers check, so no extra identity is needed.
 */
export function chaincodeTls(
  ctx: NetworkContext,
  org: string,
): { cert: string; key: string; ca: string; caPem: string } {
  const peer = peersOf(ctx, org)[0];
  if (!peer) throw new Error(`${org} has no peers`);
  const ca = path.join(peer.tlsDir, 'ca.crt');
  return {
    cert: path.join(peer.tlsDir, 'server.crt'),
    key: path.join(peer.tlsDir, 'server.key'),
    ca,
    caPem: readFileSync(ca, 'utf8'),
  };
}
