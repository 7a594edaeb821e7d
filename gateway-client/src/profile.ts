/**
 * Fabric "common connection profile" (JSON) parsing: turns the generated
 * profile into an ordered list of peer endpoints, the caller's org first.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { readHostsFile, resolveAddress } from './hosts-file';

const peerSchema = z.object({
  url: z.string().regex(/^grpcs?:\/\/[^/]+:\d+$/, 'expected grpc(s)://host:port'),
  tlsCACerts: z
    .object({ pem: z.union([z.string(), z.array(z.string())]) })
    .partial()
    .optional(),
  grpcOptions: z.record(z.string(), z.unknown()).optional(),
});

const profileSchema = z.object({
  name: z.string().optional(),
  client: z.object({ organization: z.string().optional() }).partial().optional(),
  organizations: z.record(
    z.string(),
    z.object({ mspid: z.string().min(1), peers: z.array(z.string()).default([]) }),
  ),
  peers: z.record(z.string(), peerSchema),
  channels: z.record(z.string(), z.unknown()).optional(),
  /** fabpay's extension; `hostsFile` resolves the peers' host names (./hosts-file). */
  'x-fabpay': z.looseObject({ hostsFile: z.string().min(1).optional() }).optional(),
});

/** The parsed profile, validated. */
export type ConnectionProfile = z.infer<typeof profileSchema>;

/** One peer gateway endpoint the pool connects to. */
export interface EndpointConfig {
  /** Peer name from the profile (used in logs, metrics and pool status). */
  readonly name: string;
  /** host:port */
  readonly address: string;
  /** MSP ID of the peer's organisation. */
  readonly mspId: string;
  /** PEM of the org's TLS CA; undefined means plaintext (grpc://, tests only). */
  readonly tlsRootCert?: string;
  /** TLS server name to verify, when it differs from the address host. */
  readonly serverNameOverride?: string;
}

/** Raised for unreadable or invalid connection profiles. */
export class ConnectionProfileError extends Error {
  override readonly name = 'ConnectionProfileError';
}

/** Validates a profile object. */
export function parseConnectionProfile(json: unknown): ConnectionProfile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConnectionProfileError(`invalid connection profile: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Reads and validates a profile file. */
export async function loadConnectionProfile(file: string): Promise<ConnectionProfile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ConnectionProfileError(`cannot read connection profile ${file}: ${(err as Error).message}`);
  }
  try {
    return parseConnectionProfile(JSON.parse(text));
  } catch (err) {
    if (err instanceof ConnectionProfileError) throw err;
    throw new ConnectionProfileError(
      `connection profile ${file} is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** The channel to use when none is given: the profile's only channel, else `payments`. */
export function defaultChannel(profile: ConnectionProfile): string {
  const names = Object.keys(profile.channels ?? {});
  return names.length === 1 && names[0] ? names[0] : 'payments';
}

export interface EndpointSelection {
  /** The caller's MSP ID: its org's peers come first. */
  readonly mspId: string;
  /**
   * Also use other organisations' peers, after the caller's own (default
   * true). Their gateways endorse on the caller's behalf just the same; they
   * are the failover of last resort when every own peer is down.
   */
  readonly includeOtherOrgs?: boolean;
  /** Restrict to these peer names (in this order within each org group). */
  readonly peers?: readonly string[];
}

/**
 * Lists the endpoints from a profile: the caller's org peers first, then
 * other orgs' peers in profile order.
 */
export function endpointsFromProfile(
  profile: ConnectionProfile,
  selection: EndpointSelection,
): EndpointConfig[] {
  const orgOf = new Map<string, string>();
  for (const org of Object.values(profile.organizations)) {
    for (const peer of org.peers) if (!orgOf.has(peer)) orgOf.set(peer, org.mspid);
  }
  if (![...Object.values(profile.organizations)].some((o) => o.mspid === selection.mspId)) {
    throw new ConnectionProfileError(`connection profile has no organization with mspid ${selection.mspId}`);
  }
  const names = selection.peers ? [...selection.peers] : Object.keys(profile.peers);
  const hostsFile = profile['x-fabpay']?.hostsFile;
  const hosts = hostsFile ? readHostsFile(hostsFile) : new Map<string, string>();
  const endpoints: EndpointConfig[] = [];
  for (const name of names) {
    const peer = profile.peers[name];
    if (!peer) throw new ConnectionProfileError(`connection profile has no peer named ${name}`);
    const mspId = orgOf.get(name);
    if (!mspId) throw new ConnectionProfileError(`peer ${name} belongs to no organization in the profile`);
    const tls = peer.url.startsWith('grpcs://');
    const pem = peer.tlsCACerts?.pem;
    const tlsRootCert = Array.isArray(pem) ? pem.join('\n') : pem;
    if (tls && !tlsRootCert)
      throw new ConnectionProfileError(`peer ${name} uses grpcs but has no tlsCACerts.pem`);
    const given = peer.grpcOptions?.['ssl-target-name-override'];
    const resolved = resolveAddress(peer.url.replace(/^grpcs?:\/\//, ''), hosts);
    const override = typeof given === 'string' && given ? given : resolved.serverName;
    endpoints.push({
      name,
      address: resolved.address,
      mspId,
      ...(tls ? { tlsRootCert } : {}),
      ...(override ? { serverNameOverride: override } : {}),
    });
  }
  const own = endpoints.filter((e) => e.mspId === selection.mspId);
  const others =
    selection.includeOtherOrgs === false ? [] : endpoints.filter((e) => e.mspId !== selection.mspId);
  if (own.length === 0 && others.length === 0) {
    throw new ConnectionProfileError(`no peers found for ${selection.mspId} in the connection profile`);
  }
  return [...own, ...others];
}
