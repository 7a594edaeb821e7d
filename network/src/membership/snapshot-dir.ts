/**
 * A ledger snapshot directory as Fabric writes it (`<rootDir>/completed/<channel>/<last block
 * number>`): its two metadata files and the data files they hash. Reading one checks it is whole
 * before a peer is pointed at it: the peer imports a snapshot in the background and only logs a
 * failure, so a bad directory found by the peer would leave `peer add` waiting for nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const SIGNABLE_METADATA_FILE = '_snapshot_signable_metadata.json';
export const ADDITIONAL_METADATA_FILE = '_snapshot_additional_metadata.json';

/** What a snapshot's metadata states. */
export interface SnapshotMetadata {
  channel: string;
  /** The last block in the snapshot; a peer joined from it has height `lastBlockNumber + 1`. */
  lastBlockNumber: number;
  /** Hex SHA-256 of that block's header (see block-hash.ts). */
  lastBlockHash: string;
  previousBlockHash: string;
  /** Data file name -> hex SHA-256 of its bytes. */
  files: Record<string, string>;
  stateDbType: string;
}

/** A directory that is not a usable snapshot (missing, incomplete, corrupt, or of another chain). */
export class SnapshotDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`${dir} is not a usable ledger snapshot: ${reason}`);
    this.name = 'SnapshotDirError';
  }
}

/** `<rootDir>/completed/<channel>/<blockNumber>`: where a peer writes a completed snapshot. */
export function completedSnapshotDir(rootDir: string, channel: string, blockNumber: number): string {
  return path.join(rootDir, 'completed', channel, String(blockNumber));
}

/** Block numbers of the completed snapshots of a channel under a peer's root dir, ascending. */
export function completedSnapshots(rootDir: string, channel: string): number[] {
  const dir = path.join(rootDir, 'completed', channel);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d+$/.test(n) && existsSync(path.join(dir, n, SIGNABLE_METADATA_FILE)))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Parses `_snapshot_signable_metadata.json`.
 * @throws Error naming the first field that is missing or malformed.
 */
export function parseSignableMetadata(text: string): SnapshotMetadata {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${SIGNABLE_METADATA_FILE} is not JSON: ${(e as Error).message}`);
  }
  const str = (key: string): string => {
    const v = json?.[key];
    if (typeof v !== 'string') throw new Error(`${SIGNABLE_METADATA_FILE} has no ${key}`);
    return v;
  };
  const last = json?.last_block_number;
  if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) {
    throw new Error(`${SIGNABLE_METADATA_FILE} has no last_block_number`);
  }
  const files = json.snapshot_files_raw_hashes;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new Error(`${SIGNABLE_METADATA_FILE} has no snapshot_files_raw_hashes`);
  }
  for (const [name, hash] of Object.entries(files)) {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash) || name !== path.basename(name)) {
      throw new Error(`${SIGNABLE_METADATA_FILE}: bad entry for ${name} in snapshot_files_raw_hashes`);
    }
  }
  return {
    channel: str('channel_name'),
    lastBlockNumber: last,
    lastBlockHash: str('last_block_hash'),
    previousBlockHash: str('previous_block_hash'),
    files: files as Record<string, string>,
    stateDbType: str('state_db_type'),
  };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads a snapshot directory and checks it is whole: both metadata files, `snapshot_hash` the
 * SHA-256 of the signable metadata, every data file present with the hash the metadata states.
 * @throws SnapshotDirError saying what is wrong.
 */
export function readSnapshotDir(dir: string): SnapshotMetadata {
  if (!existsSync(dir)) throw new SnapshotDirError(dir, 'no such directory');
  if (!statSync(dir).isDirectory()) throw new SnapshotDirError(dir, 'not a directory');
  const signableFile = path.join(dir, SIGNABLE_METADATA_FILE);
  if (!existsSync(signableFile)) {
    throw new SnapshotDirError(
      dir,
      `no ${SIGNABLE_METADATA_FILE} (a completed snapshot is <rootDir>/completed/<channel>/<block number>)`,
    );
  }
  const signable = readFileSync(signableFile);
  let meta: SnapshotMetadata;
  try {
    meta = parseSignableMetadata(signable.toString('utf8'));
  } catch (e) {
    throw new SnapshotDirError(dir, (e as Error).message);
  }
  const additionalFile = path.join(dir, ADDITIONAL_METADATA_FILE);
  if (!existsSync(additionalFile)) throw new SnapshotDirError(dir, `no ${ADDITIONAL_METADATA_FILE}`);
  let snapshotHash: unknown;
  try {
    snapshotHash = (JSON.parse(readFileSync(additionalFile, 'utf8')) as { snapshot_hash?: unknown })
      .snapshot_hash;
  } catch (e) {
    throw new SnapshotDirError(dir, `${ADDITIONAL_METADATA_FILE} is not JSON: ${(e as Error).message}`);
  }
  if (snapshotHash !== sha256(signable)) {
    throw new SnapshotDirError(dir, `snapshot_hash does not match ${SIGNABLE_METADATA_FILE}`);
  }
  for (const [name, hash] of Object.entries(meta.files)) {
    const file = path.join(dir, name);
    if (!existsSync(file)) throw new SnapshotDirError(dir, `data file ${name} is missing`);
    if (sha256(readFileSync(file)) !== hash) {
      throw new SnapshotDirError(dir, `data file ${name} does not have the hash the metadata states`);
    }
  }
  return meta;
}
