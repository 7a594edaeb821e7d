/**
 * The channel's latest config block as a file (what `osnadmin channel join` takes) and decoded
 * (what the membership rules read), fetched as the orderer org admin from a chosen orderer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import { ordererFlags, peerCli } from '../admin-cli';
import type { ChannelConfig } from '../channel/config-update';
import type { NetworkContext } from '../context';
import type { NodeSpec } from '../nodes/specs';
import { run } from '../util/run';

/** A fetched config block: its file and the config it carries. */
export interface ConfigBlock {
  file: string;
  /** The block number. */
  number: number;
  config: ChannelConfig;
}

/**
 * Fetches the channel's latest config block from `orderer` into `dir/<name>.pb`, as the orderer
 * org's admin (channel config is readable by any channel member; the orderer org owns the
 * consenter set).
 */
export async function fetchConfigBlock(
  ctx: NetworkContext,
  orderer: NodeSpec,
  dir: string,
  name = 'config-block',
): Promise<ConfigBlock> {
  const file = path.join(dir, `${name}.pb`);
  // The peer CLI requires a peer address even for orderer-only commands; any peer serves.
  const peer = ctx.peers[0];
  if (!peer) throw new Error('the network has no peers');
  await peerCli(ctx.layout, ctx.caPaths.org(ctx.topology.ordererOrg.name), peer, [
    'channel',
    'fetch',
    'config',
    file,
    '-c',
    ctx.topology.channel.name,
    ...ordererFlags(orderer),
  ]);
  await run(binaryPath('configtxlator'), [
    'proto_decode',
    '--input',
    file,
    '--type',
    'common.Block',
    '--output',
    `${file}.json`,
  ]);
  const decoded = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as {
    header: { number: string };
    data: { data: { payload: { data: { config: ChannelConfig } } }[] };
  };
  return {
    file,
    number: Number(decoded.header.number),
    config: decoded.data.data[0]!.payload.data.config,
  };
}
