/**
 * Files generated for people and tools: a common connection profile per organisation (the JSON
 * format fabric-network, fabric-ca-client samples and Caliper read) and an environment file per
 * org admin for Fabric's own `peer` CLI (see ./admin-env).
 *
 * On loopback every endpoint is addressed by one host name, `localhost` (see ./local-host for
 * why). On hosts, by its own host name; the profile's `x-fabpay.hostsFile` names the hosts file
 * that resolves them, which the fabpay client reads (a process outside the hosts' namespaces has
 * no such names otherwise).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hostsFile, hostsFileText, orgHost, planPorts } from '@fabpay/topology';
import { caHost, caName } from '@fabpay/ca';
import { adminEnvText } from './admin-env';
import type { NetworkContext } from './context';
import { LOCAL_HOST } from './local-host';
import type { NodeSpec } from './nodes/specs';

/** Label of the registrar identity in its identity store (written by `fabpay-ca setup`). */
export const REGISTRAR_LABEL = 'registrar';

export function connectionProfileFile(ctx: NetworkContext, org: string): string {
  return path.join(ctx.layout.profilesDir, `connection-${org.toLowerCase()}.json`);
}

export function adminEnvFile(ctx: NetworkContext, org: string): string {
  return path.join(ctx.layout.profilesDir, `${org.toLowerCase()}-admin.env`);
}

/**
 * A TLS root in both forms the profile format allows: a file path and the inline PEM. Node
 * entries need the PEM as one string (fabric-common's Endpoint refuses an array); CA entries as
 * an array, fabric-ca-client's `trustedRoots`, as in Fabric's own sample profiles.
 */
function tlsRoot(file: string): { path: string; pem: string } {
  return { path: file, pem: readFileSync(file, 'utf8') };
}

/** A peer or orderer entry: its advertised host name, the org's TLS root, its TLS name. */
function nodeEntry(ctx: NetworkContext, n: NodeSpec): Record<string, unknown> {
  return {
    url: `grpcs://${n.advertisedHost}:${n.listen}`,
    ...(n.kind === 'orderer' ? { mspid: n.mspId } : {}),
    tlsCACerts: tlsRoot(ctx.caPaths.org(n.org).tlsCaCert),
    // The certificate names localhost too; the override keeps the node's own name in TLS errors.
    grpcOptions: { 'ssl-target-name-override': n.host, hostnameOverride: n.host },
  };
}

/**
 * The organisation's intermediate CA (the one that issues enrollment certificates), in the
 * `certificateAuthorities` form fabric-ca-client code reads: `new FabricCAServices(url,
 * { trustedRoots: tlsCACerts.pem, verify: true }, caName)`. The standard `registrar` field would
 * carry the bootstrap admin's secret; instead `x-fabpay-registrar` says where its enrolled identity
 * (wallet format) is, so a shared profile holds no secret.
 */
function certificateAuthority(ctx: NetworkContext, org: string): [string, Record<string, unknown>] {
  const info = ctx.topology.orgs.find((o) => o.name === org);
  const orgPaths = ctx.caPaths.org(org);
  const ports = planPorts(ctx.topology).orgs.find((o) => o.org === org);
  if (!info || !ports) throw new Error(`topology has no peer organisation ${org}`);
  const domain = `${org.toLowerCase()}.${ctx.topology.domain}`;
  return [
    caHost('intermediate', domain),
    {
      url: `https://${orgHost(ctx.topology, org) ? caHost('intermediate', domain) : LOCAL_HOST}:${ports.cas.intermediate.listen}`,
      caName: caName('intermediate', org),
      tlsCACerts: { path: orgPaths.tlsCaCert, pem: [tlsRoot(orgPaths.tlsCaCert).pem] },
      httpOptions: { verify: true },
      'x-fabpay-registrar': {
        wallet: orgPaths.registrarStore,
        label: REGISTRAR_LABEL,
        note: 'the intermediate CA bootstrap admin, enrolled; use it to register identities',
      },
    },
  ];
}

/** The common connection profile of one peer organisation (written as connection-<org>.json). */
export function connectionProfile(ctx: NetworkContext, org: string): Record<string, unknown> {
  const orgPaths = ctx.caPaths.org(org);
  const [caKey, ca] = certificateAuthority(ctx, org);
  return {
    name: `${ctx.topology.name}-${org.toLowerCase()}`,
    version: '1.0.0',
    client: { organization: org, connection: { timeout: { peer: { endorser: '300' } } } },
    channels: {
      [ctx.topology.channel.name]: {
        orderers: ctx.orderers.map((o) => o.host),
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
          ...(o.name === org
            ? {
                certificateAuthorities: [caKey],
                adminPrivateKeyPEM: { path: path.join(orgPaths.adminMsp, 'keystore') },
                signedCertPEM: { path: path.join(orgPaths.adminMsp, 'signcerts') },
              }
            : {}),
        },
      ]),
    ),
    peers: Object.fromEntries(ctx.peers.map((p) => [p.host, nodeEntry(ctx, p)])),
    orderers: Object.fromEntries(ctx.orderers.map((o) => [o.host, nodeEntry(ctx, o)])),
    certificateAuthorities: { [caKey]: ca },
    // fabpay extension: where this org's wallet (identity store) is; the fabpay CLI reads it.
    'x-fabpay': {
      wallet: orgPaths.walletDir,
      ...(hostsFileText(ctx.topology) ? { hostsFile: hostsFile() } : {}),
      channel: ctx.topology.channel.name,
      chaincode: ctx.topology.chaincode.name,
    },
  };
}

/** Writes every org's connection profile and admin env file; returns the files written. */
export function writeProfiles(ctx: NetworkContext): string[] {
  mkdirSync(ctx.layout.profilesDir, { recursive: true });
  const written: string[] = [];
  for (const org of ctx.topology.orgs) {
    const file = connectionProfileFile(ctx, org.name);
    writeFileSync(file, `${JSON.stringify(connectionProfile(ctx, org.name), null, 2)}\n`);
    written.push(file);

    const envFile = adminEnvFile(ctx, org.name);
    writeFileSync(envFile, adminEnvText(ctx, org.name, envFile));
    written.push(envFile);
  }
  return written;
}
