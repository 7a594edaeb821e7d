import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ADDITIONAL_METADATA_FILE,
  completedSnapshotDir,
  completedSnapshots,
  parseSignableMetadata,
  readSnapshotDir,
  SIGNABLE_METADATA_FILE,
  SnapshotDirError,
} from './snapshot-dir';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** A snapshot laid out as Fabric writes one (with made-up data files). */
function writeSnapshot(dir: string, channel = 'payments', block = 7): void {
  mkdirSync(dir, { recursive: true });
  const files = { 'public_state.data': 'state bytes', 'txids.data': 'txid bytes' };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  const signable = JSON.stringify(
    {
      channel_name: channel,
      last_block_number: block,
      last_block_hash: 'aa'.repeat(32),
      previous_block_hash: 'bb'.repeat(32),
      snapshot_files_raw_hashes: Object.fromEntries(Object.entries(files).map(([n, b]) => [n, sha(b)])),
      state_db_type: 'SimpleKeyValueDB',
    },
    null,
    4,
  );
  writeFileSync(path.join(dir, SIGNABLE_METADATA_FILE), signable);
  writeFileSync(
    path.join(dir, ADDITIONAL_METADATA_FILE),
    JSON.stringify({ snapshot_hash: sha(signable), last_block_commit_hash: '' }),
  );
}

describe('snapshot directories', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'fabpay-snapdir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a whole snapshot', () => {
    const dir = completedSnapshotDir(root, 'payments', 7);
    writeSnapshot(dir);
    expect(dir).toBe(path.join(root, 'completed', 'payments', '7'));
    expect(readSnapshotDir(dir)).toMatchObject({ channel: 'payments', lastBlockNumber: 7 });
    writeSnapshot(completedSnapshotDir(root, 'payments', 12), 'payments', 12);
    mkdirSync(completedSnapshotDir(root, 'payments', 20)); // in the making: no metadata yet
    expect(completedSnapshots(root, 'payments')).toEqual([7, 12]);
    expect(completedSnapshots(root, 'other')).toEqual([]);
  });

  it('refuses a missing, empty, tampered or incomplete directory, saying why', () => {
    const dir = path.join(root, 's');
    expect(() => readSnapshotDir(dir)).toThrow(`${dir} is not a usable ledger snapshot: no such directory`);
    mkdirSync(dir);
    expect(() => readSnapshotDir(dir)).toThrow(/no _snapshot_signable_metadata.json/);
    writeSnapshot(dir);
    writeFileSync(path.join(dir, 'txids.data'), 'other bytes');
    expect(() => readSnapshotDir(dir)).toThrow(/data file txids.data does not have the hash/);
    rmSync(path.join(dir, 'txids.data'));
    expect(() => readSnapshotDir(dir)).toThrow(/data file txids.data is missing/);
    writeSnapshot(dir);
    writeFileSync(path.join(dir, ADDITIONAL_METADATA_FILE), '{"snapshot_hash":"00"}');
    expect(() => readSnapshotDir(dir)).toThrow(SnapshotDirError);
    expect(() => readSnapshotDir(path.join(dir, 'txids.data'))).toThrow(/not a directory/);
  });

  it('names the bad field of the metadata', () => {
    expect(() => parseSignableMetadata('{')).toThrow(/is not JSON/);
    expect(() => parseSignableMetadata('{"channel_name":"p"}')).toThrow(/has no last_block_number/);
    expect(() =>
      parseSignableMetadata(
        JSON.stringify({ last_block_number: 1, snapshot_files_raw_hashes: { '../x': 'aa'.repeat(32) } }),
      ),
    ).toThrow(/bad entry for \.\.\/x/);
  });
});
