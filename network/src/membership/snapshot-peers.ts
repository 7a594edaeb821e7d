/** Membership of the running network: ledger snapshots and new peers joining from them. */
export {
  takeSnapshot,
  checkSnapshotForChannel,
  SnapshotError,
  type SnapshotOptions,
  type SnapshotResult,
} from './snapshots';
export { addPeer, type AddPeerOptions, type AddPeerResult } from './peers';
export { PeerAddError, UnknownPeerError, type PeerAddPlan } from './names';
export {
  completedSnapshotDir,
  completedSnapshots,
  readSnapshotDir,
  SnapshotDirError,
  type SnapshotMetadata,
} from './snapshot-dir';
export { blockHeaderHash } from './block-hash';
export { peerSnapshotsDir } from '../layout';
