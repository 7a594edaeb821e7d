/**
 * Channel configuration updates, the standard way: fetch the config block, decode it with
 * configtxlator, let the caller edit the config, compute the update, wrap it in an envelope, have
 * the required admins sign it and submit it. Everything that changes a live channel's config goes
 * through here (publishing CRLs, changing capabilities or block cutting).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import { ordererFlags, peerCli } from '../admin-cli';
import { runningOrderer, type NetworkContext } from '../context';
import { run } from '../util/run';

/** A decoded channel config (common.Config as configtxlator renders it). */
export type ChannelConfig = {
  channel_group: ConfigGroup;
} & Record<string, unknown>;

/** A config group: nested groups, values and policies. */
export interface ConfigGroup {
  groups: Record<string, ConfigGroup>;
  values: Record<string, { value: Record<string, unknown> } & Record<string, unknown>>;
  policies: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ConfigUpdate {
  /** What the update does, for progress lines. */
  what: string;
  /**
   * Organisations whose admins sign, in order; the last one submits. An org's own values need
   * only its admin; channel-wide values need a majority of every group's admins.
   */
  signers: string[];
  /** Changes the config in place; returns false when there is nothing to change. */
  edit: (config: ChannelConfig) => boolean;
}

const lator = (args: string[]) => run(binaryPath('configtxlator'), args);

/** The channel's current config, decoded. */
export async function fetchChannelConfig(
  ctx: NetworkContext,
  org: string,
  dir: string,
): Promise<ChannelConfig> {
  const block = path.join(dir, 'block.pb');
  await adminCli(ctx, org, [
    'channel',
    'fetch',
    'config',
    block,
    '-c',
    ctx.topology.channel.name,
    ...ordererFlags(runningOrderer(ctx)),
  ]);
  await lator(['proto_decode', '--input', block, '--type', 'common.Block', '--output', `${block}.json`]);
  const decoded = JSON.parse(readFileSync(`${block}.json`, 'utf8')) as {
    data: { data: { payload: { data: { config: ChannelConfig } } }[] };
  };
  return decoded.data.data[0]!.payload.data.config;
}

/** Applies a config update; returns false (and submits nothing) when `edit` changed nothing. */
export async function updateChannelConfig(ctx: NetworkContext, update: ConfigUpdate): Promise<boolean> {
  const channel = ctx.topology.channel.name;
  const submitter = update.signers[update.signers.length - 1];
  if (!submitter) throw new Error('a config update needs at least one signing organisation');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-config-update-'));
  const f = (name: string) => path.join(dir, name);
  try {
    const original = await fetchChannelConfig(ctx, submitter, dir);
    const updated = JSON.parse(JSON.stringify(original)) as ChannelConfig;
    if (!update.edit(updated)) return false;
    writeFileSync(f('original.json'), JSON.stringify(original));
    writeFileSync(f('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated']) {
      await lator([
        'proto_encode',
        '--input',
        f(`${name}.json`),
        '--type',
        'common.Config',
        '--output',
        f(`${name}.pb`),
      ]);
    }
    await lator([
      'compute_update',
      '--channel_id',
      channel,
      '--original',
      f('original.pb'),
      '--updated',
      f('updated.pb'),
      '--output',
      f('update.pb'),
    ]);
    await lator([
      'proto_decode',
      '--input',
      f('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      f('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: JSON.parse(readFileSync(f('update.json'), 'utf8')) as unknown },
      },
    };
    writeFileSync(f('envelope.json'), JSON.stringify(envelope));
    await lator([
      'proto_encode',
      '--input',
      f('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      f('envelope.pb'),
    ]);
    ctx.progress(`channel ${channel}: ${update.what}`);
    for (const org of update.signers.slice(0, -1)) {
      await adminCli(ctx, org, ['channel', 'signconfigtx', '-f', f('envelope.pb')]);
    }
    await adminCli(ctx, submitter, [
      'channel',
      'update',
      '-f',
      f('envelope.pb'),
      '-c',
      channel,
      ...ordererFlags(runningOrderer(ctx)),
    ]);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peer CLI as an org's admin. Channel config commands talk to the orderer only, so for the
 * orderer org (which has no peers) any peer's address serves as the CLI's required peer setting.
 */
function adminCli(ctx: NetworkContext, org: string, args: string[]) {
  const peer = ctx.peers.find((p) => p.org === org) ?? ctx.peers[0];
  if (!peer) throw new Error('the network has no peers');
  return peerCli(ctx.layout, ctx.caPaths.org(org), peer, args);
}
