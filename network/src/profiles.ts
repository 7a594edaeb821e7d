/**
 * Files generated for people and tools: a common connection profile per organisation (the JSON
 * format Caliper and the legacy Fabric SDKs read) and an environment file per org admin so the
 * `peer` CLI can be used by hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binDir } from '@fabpay/topology';
import { peerAdminEnv } from './admin-cli';
import type { NetworkContext } from './context';

export function connectionProfileFile(ctx: NetworkContext, org: string): string {
  return path.join(ctx.layout.profilesDir, `connection-${org.toLowerCase()}.json`);
}

export function adminEnvFile(ctx: NetworkContext, org: string): string {
  return path.join(ctx.layout.profilesDir, `${org.toLowerCase()}-admin.env`);
}

export function writeProfiles(ctx: NetworkContext): string[] {
  mkdirSync(ctx.layout.profilesDir, { recursive: true });
  const written: string[] = [];
  const peers = Object.fromEntries(
    ctx.peers.map((p) => [
      p.host,
      {
        url: `grpcs://127.0.0.1:${p.listen}`,
        tlsCACerts: { pem: readFileSync(path.join(p.tlsDir, 'ca.crt'), 'utf8') },
        grpcOptions: { 'ssl-target-name-override': p.host, hostnameOverride: p.host },
      },
    ]),
  );
  const orderers = Object.fromEntries(
    ctx.orderers.map((o) => [
      o.host,
      {
        url: `grpcs://127.0.0.1:${o.listen}`,
        tlsCACerts: { pem: readFileSync(path.join(o.tlsDir, 'ca.crt'), 'utf8') },
        grpcOptions: { 'ssl-target-name-override': o.host, hostnameOverride: o.host },
      },
    ]),
  );
  for (const org of ctx.topology.orgs) {
    const orgPaths = ctx.caPaths.org(org.name);
    const profile = {
      name: `${ctx.topology.name}-${org.name.toLowerCase()}`,
      version: '1.0.0',
      client: { organization: org.name, connection: { timeout: { peer: { endorser: '300' } } } },
      channels: {
        [ctx.topology.channel.name]: {
          orderers: Object.keys(orderers),
          peers: Object.fromEntries(
            ctx.peers.map((p) => [
              p.host,
              { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: true },
            ]),
          ),
        },
      },
      organizations: Object.fromEntries(
        ctx.topology.orgs.map((o) => [
          o.name,
          {
            mspid: o.mspId,
            peers: ctx.peers.filter((p) => p.org === o.name).map((p) => p.host),
            ...(o.name === org.name
              ? {
                  adminPrivateKeyPEM: { path: path.join(orgPaths.adminMsp, 'keystore') },
                  signedCertPEM: { path: path.join(orgPaths.adminMsp, 'signcerts') },
                }
              : {}),
          },
        ]),
      ),
      peers,
      orderers,
      // fabpay extension: where this org's wallet (identity store) is.
      'x-fabpay': {
        wallet: orgPaths.walletDir,
        channel: ctx.topology.channel.name,
        chaincode: ctx.topology.chaincode.name,
      },
    };
    const file = connectionProfileFile(ctx, org.name);
    writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
    written.push(file);

    const peer = ctx.peers.find((p) => p.org === org.name)!;
    const { HOME: _home, ...adminEnv } = peerAdminEnv(ctx.layout, orgPaths, peer);
    const env = { ...adminEnv, PATH: `${binDir()}:$PATH`, FABRIC_LOGGING_SPEC: 'INFO' };
    const envFile = adminEnvFile(ctx, org.name);
    const lines = Object.entries(env).map(([k, v]) => `export ${k}="${v ?? ''}"`);
    writeFileSync(
      envFile,
      `# Source this file to use the peer CLI as ${org.name}'s admin against ${peer.host}:\n#   . ${envFile} && peer channel list\n${lines.join('\n')}\n`,
    );
    written.push(envFile);
  }
  return written;
}
