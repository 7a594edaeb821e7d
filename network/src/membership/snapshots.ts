/**
 * Ledger snapshots (Fabric 2.3+): `takeSnapshot` has a peer write one at its current height and
 * waits for it; `checkSnapshotForChannel` decides whether a snapshot directory may bootstrap a
 * new peer of this network. Snapshot requests go through the peer's snapshot service
 * (`peer snapshot submitrequest|listpending`), which only an admin of the peer's own org may call.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryPath, logTail, runningPid } from '@fabpay/topology';
import { ordererFlags, peerCli } from '../admin-cli';
import { ordererChannelInfo, peerHeight } from '../channel/channel';
import { runningOrderer, type NetworkContext } from '../context';
import { peerSnapshotsDir } from '../layout';
import { contextFor, type NetworkOptions } from '../network';
import type { NodeSpec } from '../nodes/specs';
import { CommandError, run } from '../util/run';
import { StepTimer, type StepTiming } from '../util/steps';
import { waitFor } from '../util/wait';
import { blockHeaderHash, headerOfDecodedBlock } from './block-hash';
import { resolvePeerHost } from './names';
import {
  completedSnapshotDir,
  completedSnapshots,
  readSnapshotDir,
  SnapshotDirError,
  type SnapshotMetadata,
} from './snapshot-dir';

/** A snapshot that cannot be taken (peer not running, not configured for snapshots, refused). */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** What {@link takeSnapshot} did. */
export interface SnapshotResult {
  peer: string;
  channel: string;
  /** `<rootDir>/completed/<channel>/<blockNumber>`. */
  dir: string;
  /** The last block in the snapshot. */
  blockNumber: number;
  /** The ledger height the snapshot stands for (blockNumber + 1): a peer joined from it starts there. */
  height: number;
  /** True when a completed snapshot at the current height existed and was reused. */
  reused: boolean;
  /** `snapshot_hash` of `_snapshot_additional_metadata.json`: equal across peers for the same height. */
  metadata: SnapshotMetadata;
  seconds: number;
  steps: StepTiming[];
}

export interface SnapshotOptions extends NetworkOptions {
  /** The peer: `peer0.org1.example.com` or `peer0.org1`. */
  peer: string;
  /** How long to wait for the peer to write it (default 180 s). */
  timeoutMs?: number;
}

/** The snapshot root directory a running peer was started with, from its environment (Linux). */
function runningSnapshotsRoot(pid: number): string | undefined {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = env.find((e) => e.startsWith('CORE_LEDGER_SNAPSHOTS_ROOTDIR='));
    return entry ? entry.slice(entry.indexOf('=') + 1) : '';
  } catch {
    return undefined; // not readable here: trust the configuration
  }
}

/**
 * The peer's snapshot root directory, after checking the running peer uses it: a peer started
 * before fabpay set one per peer writes to Fabric's default, a directory shared with every other
 * peer on the machine.
 */
function snapshotsRootOf(ctx: NetworkContext, peer: NodeSpec): string {
  const root = peerSnapshotsDir(ctx.layout, peer.host);
  const pid = runningPid(peer.process);
  if (pid === undefined) {
    throw new SnapshotError(`${peer.host} is not running: start the network with \`fabpay-network up\``);
  }
  const actual = runningSnapshotsRoot(pid);
  if (actual !== undefined && actual !== root) {
    throw new SnapshotError(
      `${peer.host} (pid ${pid}) runs with ledger.snapshots.rootDir ${actual || "core.yaml's default"}, not ${root}: it was started before snapshots were configured; restart it (\`fabpay-network down\`, then \`up\`)`,
    );
  }
  return root;
}

function snapshotFlags(ctx: NetworkContext, peer: NodeSpec): string[] {
  return [
    '-c',
    ctx.topology.channel.name,
    '--peerAddress',
    `${peer.address}:${peer.listen}`,
    '--tlsRootCertFile',
    path.join(peer.tlsDir, 'ca.crt'),
  ];
}

/** Block numbers of the peer's pending snapshot requests. */
async function pendingRequests(ctx: NetworkContext, peer: NodeSpec): Promise<number[]> {
  const res = await peerCli(ctx.layout, ctx.caPaths.org(peer.org), peer, [
    'snapshot',
    'listpending',
    ...snapshotFlags(ctx, peer),
  ]);
  // "Successfully got pending snapshot requests: [12 40]"
  const list = /\[([\d\s]*)\]/.exec(res.stdout)?.[1] ?? '';
  return list.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Has `peer` write a ledger snapshot of the channel at its current height and waits until it is
 * complete. Idempotent: a completed snapshot at the current height is reused, and a request
 * already pending for it is waited on rather than submitted again. The request names the block
 * (height - 1) rather than Fabric's `0` ("the last committed block") so that the directory to wait
 * for is known; a block committed in between makes the peer refuse it, and the height is read again.
 */
export async function takeSnapshot(opts: SnapshotOptions): Promise<SnapshotResult> {
  const timer = new StepTimer(opts.progress);
  // Detail lines are indented under the step that prints them, as in `up`.
  const ctx = contextFor({ ...opts, progress: (l) => opts.progress?.(`  ${l}`) });
  const channel = ctx.topology.channel.name;
  const host = resolvePeerHost(
    ctx.peers.map((p) => p.host),
    opts.peer,
  );
  const peer = ctx.peers.find((p) => p.host === host)!;
  const admin = ctx.caPaths.org(peer.org);
  const root = snapshotsRootOf(ctx, peer);

  const { blockNumber, reused } = await timer.run(`snapshot request on ${host}`, async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const height = await peerHeight(ctx, peer);
      if (height === undefined) throw new SnapshotError(`${host} does not answer its height on ${channel}`);
      const block = height - 1;
      if (completedSnapshots(root, channel).includes(block)) {
        ctx.progress(
          `a completed snapshot at height ${height} exists: ${completedSnapshotDir(root, channel, block)}`,
        );
        return { blockNumber: block, reused: true };
      }
      if ((await pendingRequests(ctx, peer)).includes(block)) {
        ctx.progress(`a snapshot request for block ${block} is already pending on ${host}`);
        return { blockNumber: block, reused: false };
      }
      ctx.progress(`${host}: height ${height}, requesting a snapshot of block ${block}`);
      const args = ['snapshot', 'submitrequest', ...snapshotFlags(ctx, peer), '-b', String(block)];
      const res = await peerCli(ctx.layout, admin, peer, args, { allowFailure: true });
      const out = `${res.stdout}\n${res.stderr}`;
      if (res.code === 0 || /duplicate snapshot request/.test(out))
        return { blockNumber: block, reused: false };
      if (/snapshot already generated/.test(out)) return { blockNumber: block, reused: true };
      if (!/cannot be less than the last committed block number/.test(out)) {
        throw new CommandError(`peer ${args.join(' ')}`, res);
      }
      ctx.progress(`${host} committed a block meanwhile; reading its height again (try ${attempt} of 5)`);
    }
    throw new SnapshotError(`${host} kept committing blocks; no snapshot request was accepted in 5 tries`);
  });

  const dir = completedSnapshotDir(root, channel, blockNumber);
  await timer.run(`snapshot of block ${blockNumber} written`, () =>
    waitFor(
      `${host} to complete its snapshot of block ${blockNumber} (${dir})`,
      async () => (completedSnapshots(root, channel).includes(blockNumber) ? true : undefined),
      {
        timeoutMs: opts.timeoutMs ?? 180_000,
        intervalMs: 250,
        describeLast: () => `${host}'s log ends:\n${logTail(peer.process.logFile)}`,
      },
    ),
  );
  const metadata = readSnapshotDir(dir);
  return {
    peer: host,
    channel,
    dir,
    blockNumber,
    height: blockNumber + 1,
    reused,
    metadata,
    seconds: timer.seconds,
    steps: timer.steps,
  };
}

/**
 * Checks that `dir` is a whole snapshot of this network's channel: its metadata and data files
 * agree (see snapshot-dir.ts), it names the channel, and the hash of its last block is the hash of
 * the channel's block of that number as the ordering service has it. The last check matters
 * because every fabpay network's channel is called `payments`: a snapshot of another network
 * would be imported and then fail on the first block pulled.
 * @throws SnapshotDirError saying which check failed.
 */
export async function checkSnapshotForChannel(
  ctx: NetworkContext,
  dir: string,
  asPeerOf: NodeSpec,
): Promise<SnapshotMetadata> {
  const abs = path.resolve(dir);
  const meta = readSnapshotDir(abs);
  const channel = ctx.topology.channel.name;
  if (meta.channel !== channel) {
    throw new SnapshotDirError(
      abs,
      `it is a snapshot of channel "${meta.channel}"; this network's channel is "${channel}"`,
    );
  }
  const orderer = runningOrderer(ctx);
  const info = await ordererChannelInfo(orderer, channel);
  if (!info) throw new SnapshotError(`${orderer.host} does not answer for channel ${channel}`);
  if (meta.lastBlockNumber >= info.height) {
    throw new SnapshotDirError(
      abs,
      `it ends at block ${meta.lastBlockNumber}, but channel ${channel} has ${info.height} blocks: it is of another chain`,
    );
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-block-'));
  try {
    const file = path.join(tmp, 'block.pb');
    await peerCli(ctx.layout, ctx.caPaths.org(asPeerOf.org), asPeerOf, [
      ...['channel', 'fetch', String(meta.lastBlockNumber), file, '-c', channel],
      ...ordererFlags(orderer),
    ]);
    if (!existsSync(file))
      throw new SnapshotError(`could not fetch block ${meta.lastBlockNumber} of ${channel}`);
    // --output: configtxlator's default /dev/stdout cannot be opened when stdout is a socket.
    await run(binaryPath('configtxlator'), [
      ...['proto_decode', '--input', file, '--type', 'common.Block', '--output', `${file}.json`],
    ]);
    const hash = blockHeaderHash(headerOfDecodedBlock(JSON.parse(readFileSync(`${file}.json`, 'utf8'))));
    if (hash !== meta.lastBlockHash) {
      throw new SnapshotDirError(
        abs,
        `its block ${meta.lastBlockNumber} has hash ${meta.lastBlockHash.slice(0, 16)}…, channel ${channel}'s block ${meta.lastBlockNumber} has ${hash.slice(0, 16)}…: it is of another chain`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return meta;
}
