/** The network settings a run was measured with. */
import { batchLabel, type BatchSetting, type ChannelCapability, type Endorsement } from './network';

export interface Settings {
  capability: ChannelCapability;
  endorsement: Endorsement;
  batch: BatchSetting;
}

export function settingsLabel(s: Settings): string {
  return `${s.capability}/${s.endorsement}/${batchLabel(s.batch)}`;
}
