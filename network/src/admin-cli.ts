/**
 * Running Fabric's own CLIs (peer, osnadmin, configtxgen) as an organisation's admin. Every
 * lifecycle and channel step goes through here, so a person can repeat any step by hand with the
 * generated `<org>-admin.env` file.
 */
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import type { OrgPaths } from '@fabpay/ca';
import type { NetworkContext } from './context';
import type { NetworkLayout } from './layout';
import type { NodeSpec } from './nodes/specs';
import { run, type RunResult } from './util/run';

/** Environment that makes the `peer` CLI act as the org admin against one peer. */
export function peerAdminEnv(layout: NetworkLayout, org: OrgPaths, peer: NodeSpec): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    FABRIC_CFG_PATH: layout.peerConfigDir,
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: org.adminMsp,
    CORE_PEER_ADDRESS: `${peer.address}:${peer.listen}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(peer.tlsDir, 'ca.crt'),
  };
}

/** Runs `peer <args>` as the org admin against `peer`. */
export function peerCli(
  layout: NetworkLayout,
  org: OrgPaths,
  peer: NodeSpec,
  args: string[],
  opts: { allowFailure?: boolean } = {},
): Promise<RunResult> {
  return run(binaryPath('peer'), args, { env: peerAdminEnv(layout, org, peer), ...opts });
}

/** `-C <channel> -n <chaincode>`: the chaincode every peer CLI chaincode command targets. */
export function chaincodeTarget(ctx: NetworkContext): string[] {
  return ['-C', ctx.topology.channel.name, '-n', ctx.topology.chaincode.name];
}

/** TLS flags for peer CLI commands that talk to an orderer. */
export function ordererFlags(orderer: NodeSpec): string[] {
  return [
    '-o',
    `${orderer.address}:${orderer.listen}`,
    '--tls',
    '--cafile',
    path.join(orderer.tlsDir, 'ca.crt'),
  ];
}

/**
 * Runs `osnadmin channel <args>` against an orderer's admin endpoint over mutual TLS. The client
 * certificate is the orderer's own TLS certificate: it is issued by the orderer org's TLS CA, the
 * one root the admin endpoint trusts for clients.
 */
export function osnadmin(
  orderer: NodeSpec,
  args: string[],
  opts: { allowFailure?: boolean } = {},
): Promise<RunResult> {
  return run(
    binaryPath('osnadmin'),
    [
      'channel',
      ...args,
      '-o',
      `${orderer.address}:${orderer.second}`,
      '--ca-file',
      path.join(orderer.tlsDir, 'ca.crt'),
      '--client-cert',
      path.join(orderer.tlsDir, 'server.crt'),
      '--client-key',
      path.join(orderer.tlsDir, 'server.key'),
    ],
    opts,
  );
}
