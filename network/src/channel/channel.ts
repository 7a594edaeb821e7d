import { existsSync } from 'node:fs';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import { osnadmin, peerCli } from '../admin-cli';
import type { NetworkContext } from '../context';
import type { NodeSpec } from '../nodes/specs';
import { CommandError, run } from '../util/run';
import { retryTransient } from '../util/transient';
import { waitFor } from '../util/wait';
import { CHANNEL_PROFILE, writeConfigtx } from './configtx';
import { waitForRaftLeader } from './raft';

/** The channel's genesis block file. */
export function genesisBlockFile(ctx: NetworkContext): string {
  return path.join(ctx.layout.channelDir, `${ctx.topology.channel.name}.block`);
}

/**
 * Creates the channel with the channel participation API: a genesis block from configtxgen, then
 * `osnadmin channel join` on every orderer, then every peer joins. Each step is skipped where it
 * is already done, so `up` after `down` recreates nothing.
 */
export async function createChannel(ctx: NetworkContext): Promise<void> {
  const channel = ctx.topology.channel.name;
  const block = genesisBlockFile(ctx);
  if (!existsSync(block)) {
    const configtx = writeConfigtx(ctx.topology, ctx.caPaths, ctx.nodes, ctx.layout.channelDir);
    ctx.progress(`channel ${channel}: genesis block (configtxgen)`);
    await run(binaryPath('configtxgen'), [
      '-configPath',
      path.dirname(configtx),
      '-profile',
      CHANNEL_PROFILE,
      '-channelID',
      channel,
      '-outputBlock',
      block,
    ]);
  }
  for (const orderer of ctx.orderers) {
    // /healthz on the operations port can answer before the admin (channel participation)
    // listener accepts connections (seen after `down` then `up` on a busy machine): wait for the
    // very endpoint the join uses.
    const listed = await waitFor(
      `${orderer.host}'s admin endpoint (channel participation, port ${orderer.second})`,
      async () => {
        const res = await osnadmin(orderer, ['list'], { allowFailure: true });
        if (res.code === 0) return res;
        throw new Error(res.stderr.trim().split('\n').slice(-1).join(' '));
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    if (listed.stdout.includes(`"name":"${channel}"`) || listed.stdout.includes(`"name": "${channel}"`))
      continue;
    ctx.progress(`channel ${channel}: ${orderer.host} joins (osnadmin)`);
    await retryTransient(`${orderer.host} to join ${channel}`, async () => {
      const r = await osnadmin(orderer, ['join', '--channelID', channel, '--config-block', block], {
        allowFailure: true,
      });
      // A try cut short after the orderer created the channel leaves it joined.
      if (r.code !== 0 && !/already exists/.test(r.stdout + r.stderr)) {
        throw new CommandError(`osnadmin channel join ${channel} on ${orderer.host}`, r);
      }
    });
  }
  for (const orderer of ctx.orderers) {
    await waitFor(
      `${orderer.host} to be an active consenter of ${channel}`,
      async () => {
        const info = await ordererChannelInfo(orderer, channel);
        return info?.status === 'active' && info.consensusRelation === 'consenter' ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
  }
  // Every orderer is an active consenter, but until one leads the channel (after `down` and
  // `up`, an election) every transaction is refused with "no Raft leader" (seen on Fabric 3.1.5
  // right after `up` returned): the network is not ready before that.
  const leader = await waitForRaftLeader(ctx);
  ctx.progress(`channel ${channel}: Raft leader ${leader}`);
  for (const peer of ctx.peers) {
    const org = ctx.caPaths.org(peer.org);
    // Retried until the peer answers: read once while its listener is not yet open, a failed
    // list would send a peer that already has the channel to `join`, which then fails for good
    // ("ledger already exists").
    const list = await waitFor(
      `${peer.host}'s peer endpoint (channel list, port ${peer.listen})`,
      async () => {
        const res = await peerCli(ctx.layout, org, peer, ['channel', 'list'], { allowFailure: true });
        if (res.code === 0) return res;
        throw new Error(res.stderr.trim().split('\n').slice(-1).join(' '));
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    if (list.stdout.split('\n').includes(channel)) continue;
    ctx.progress(`channel ${channel}: ${peer.host} joins`);
    await retryTransient(
      `${peer.host} to join ${channel}`,
      async () => {
        const res = await peerCli(ctx.layout, org, peer, ['channel', 'join', '-b', block], {
          allowFailure: true,
        });
        // A try cut short after the peer created the ledger leaves it joined.
        if (res.code !== 0 && !/already exists/.test(res.stderr)) {
          throw new CommandError(`peer channel join ${channel} on ${peer.host}`, res);
        }
      },
      { intervalMs: 1000 },
    );
  }
}

/** What an orderer's channel participation API says about a channel. */
export interface OrdererChannelInfo {
  name: string;
  status: string;
  consensusRelation: string;
  height: number;
}

export async function ordererChannelInfo(
  orderer: NodeSpec,
  channel: string,
): Promise<OrdererChannelInfo | undefined> {
  // This osnadmin has no `info`; `list --channelID` returns the same document. It exits 0 on any
  // HTTP answer and prints `Status: <code>` first: a channel the orderer has not joined is a 404
  // with `{"error": ...}`, which must not read as joined.
  const res = await osnadmin(orderer, ['list', '--channelID', channel], { allowFailure: true });
  if (res.code !== 0 || !/^Status: 200\b/m.test(res.stdout)) return undefined;
  const json = res.stdout.slice(res.stdout.indexOf('{'));
  try {
    const info = JSON.parse(json) as Partial<OrdererChannelInfo>;
    return info.name === channel ? (info as OrdererChannelInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** A peer's ledger height on the channel, or undefined if it cannot tell. */
export async function peerHeight(ctx: NetworkContext, peer: NodeSpec): Promise<number | undefined> {
  const res = await peerCli(
    ctx.layout,
    ctx.caPaths.org(peer.org),
    peer,
    ['channel', 'getinfo', '-c', ctx.topology.channel.name],
    {
      allowFailure: true,
    },
  );
  const m = /"height":(\d+)/.exec(res.stdout + res.stderr);
  return m ? Number(m[1]) : undefined;
}
