/** The network settings a run was measured with. */
import {
  batchLabel,
  type BatchSetting,
  type ChannelCapability,
  type Custody,
  type Endorsement,
} from './network';

export interface Settings {
  capability: ChannelCapability;
  endorsement: Endorsement;
  batch: BatchSetting;
  /** Governance custody (key-level endorsement on account keys) when the run's accounts were opened. */
  custody: Custody;
}

export function settingsLabel(s: Settings): string {
  return `${s.capability}/${s.endorsement}/${batchLabel(s.batch)}/custody-${s.custody}`;
}
