/**
 * The Raft membership as the channel configuration states it, read from and edited on the config
 * as configtxlator decodes it (JSON): the etcdraft consenters in
 * `channel_group.groups.Orderer.values.ConsensusType.value.metadata.consenters` (TLS certificates
 * base64-encoded PEM) and the orderer org's `OrdererEndpoints` in
 * `channel_group.groups.Orderer.groups.<mspId>.values.Endpoints.value.addresses`.
 *
 * Consenters are matched by host and port, not by certificate: ports are never reused (the
 * topology keeps removed orderers' slots), so a port names one orderer for the channel's life.
 * Fabric itself matches by client TLS certificate; a consenter whose certificate differs from the
 * orderer's current one is a certificate rotation, which these edits refuse to do silently.
 */
import type { ChannelConfig, ConfigGroup } from '../channel/config-update';

/** One etcdraft consenter as the decoded config holds it. */
export interface Consenter {
  host: string;
  port: number;
  /** Base64 of the PEM certificate (what configtxlator renders for bytes). */
  client_tls_cert: string;
  server_tls_cert: string;
}

/** Thrown when the config does not have the shape a Raft channel has, or an edit cannot be made. */
export class ConsenterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsenterConfigError';
  }
}

function ordererGroup(config: ChannelConfig): ConfigGroup {
  const group = config.channel_group.groups.Orderer;
  if (!group) throw new ConsenterConfigError('the channel config has no Orderer group');
  return group;
}

function consensusMetadata(config: ChannelConfig): { consenters: Consenter[] } {
  const value = ordererGroup(config).values.ConsensusType?.value as
    { type?: string; metadata?: { consenters?: Consenter[] } } | undefined;
  if (!value || value.type !== 'etcdraft' || !value.metadata) {
    throw new ConsenterConfigError(
      `the channel's consensus type is ${value?.type ?? 'missing'}, not etcdraft: no Raft consenters to change`,
    );
  }
  value.metadata.consenters ??= [];
  return value.metadata as { consenters: Consenter[] };
}

function endpointsOf(config: ChannelConfig, mspId: string): string[] {
  const org = ordererGroup(config).groups[mspId];
  if (!org) throw new ConsenterConfigError(`the channel config has no orderer organisation ${mspId}`);
  const value = org.values.Endpoints?.value as { addresses?: string[] } | undefined;
  if (!value) {
    // V2_0 channels may state orderer addresses globally only; ours always have per-org endpoints.
    throw new ConsenterConfigError(`the channel config has no OrdererEndpoints for ${mspId}`);
  }
  value.addresses ??= [];
  return value.addresses;
}

/** The consenters of the channel, in config order. */
export function consentersOf(config: ChannelConfig): Consenter[] {
  return consensusMetadata(config).consenters.map((c) => ({ ...c }));
}

/** The orderer org's OrdererEndpoints. */
export function ordererEndpointsOf(config: ChannelConfig, mspId: string): string[] {
  return [...endpointsOf(config, mspId)];
}

/** `host:port` of a consenter, the form OrdererEndpoints uses too. */
export const consenterAddress = (c: Pick<Consenter, 'host' | 'port'>): string => `${c.host}:${c.port}`;

/**
 * Adds `consenter` to the consenter set unless it is there. Returns whether anything changed.
 * @throws ConsenterConfigError when a consenter at that address has other certificates.
 */
export function addConsenter(config: ChannelConfig, consenter: Consenter): boolean {
  const meta = consensusMetadata(config);
  const existing = meta.consenters.find((c) => c.host === consenter.host && c.port === consenter.port);
  if (!existing) {
    meta.consenters.push({ ...consenter });
    return true;
  }
  if (
    existing.client_tls_cert !== consenter.client_tls_cert ||
    existing.server_tls_cert !== consenter.server_tls_cert
  ) {
    throw new ConsenterConfigError(
      `the channel already has a consenter at ${consenterAddress(consenter)} with other TLS certificates (a certificate rotation, which orderer add does not do)`,
    );
  }
  return false;
}

/** Removes the consenter at `host:port` where present. Returns whether anything changed. */
export function removeConsenter(config: ChannelConfig, at: Pick<Consenter, 'host' | 'port'>): boolean {
  const meta = consensusMetadata(config);
  const before = meta.consenters.length;
  meta.consenters = meta.consenters.filter((c) => consenterAddress(c) !== consenterAddress(at));
  return meta.consenters.length !== before;
}

/** Adds `address` to the org's OrdererEndpoints unless it is there. Returns whether anything changed. */
export function addOrdererEndpoint(config: ChannelConfig, mspId: string, address: string): boolean {
  const endpoints = endpointsOf(config, mspId);
  if (endpoints.includes(address)) return false;
  endpoints.push(address);
  return true;
}

/**
 * Removes `address` from the org's OrdererEndpoints where present. Returns whether anything
 * changed.
 * @throws ConsenterConfigError when it is the org's last endpoint (a V3_0 channel requires one).
 */
export function removeOrdererEndpoint(config: ChannelConfig, mspId: string, address: string): boolean {
  const endpoints = endpointsOf(config, mspId);
  if (!endpoints.includes(address)) return false;
  if (endpoints.length === 1) {
    throw new ConsenterConfigError(`${address} is the last OrdererEndpoint of ${mspId}; an org keeps one`);
  }
  endpoints.splice(endpoints.indexOf(address), 1);
  return true;
}
