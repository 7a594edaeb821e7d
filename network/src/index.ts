/**
 * @fabpay/network: installs pinned Fabric binaries and runs a native Fabric network from a
 * topology file. The CLI (`fabpay-network`) is a thin layer over these functions.
 */
export {
  publishCrls,
  revoke,
  up,
  down,
  clean,
  deploy,
  status,
  contextFor,
  logFileOf,
  readLog,
  BinariesMissingError,
  getGovernance,
  changeGovernance,
} from './network';
export type { NetworkOptions, UpOptions, UpResult, NetworkStatus, ProcessStatus } from './network';
export { isRaftLeader, raftLeaders, waitForRaftLeader } from './channel/raft';
export {
  supervise,
  superviseProcesses,
  startSupervisor,
  stopSupervisor,
  supervisorPid,
  supervisorProcess,
  supervisedProcesses,
  SupervisorStartError,
  type Supervised,
  type SupervisorEvent,
  type SuperviseOptions,
} from './supervisor/supervisor';
export {
  backoffDelay,
  decide,
  DEFAULT_BACKOFF,
  type BackoffPolicy,
  type Decision,
  type Observation,
  type WatchState,
} from './supervisor/restart-policy';
export { chaincodeProcess } from './chaincode/server';
export { chaincodeServerPort } from './chaincode/endpoints';
export { chaincodeServerFiles, supervisorFiles } from './layout';
export { crashNode, startNode, stopNode, waitHealthy, nodeHealth, PortInUseError } from './nodes/lifecycle';
// Process control lives in @fabpay/topology (shared with the CAs); re-exported for the suites.
export { runningPid, processAlive } from '@fabpay/topology';
export type { NodeSpec } from './nodes/specs';
export type { NetworkContext } from './context';
export { peersOf } from './context';
export { ordererChannelInfo, peerHeight } from './channel/channel';
export { channelCapability } from './channel/configtx';
export {
  updateChannelConfig,
  fetchChannelConfig,
  type ChannelConfig,
  type ConfigGroup,
  type ConfigUpdate,
} from './channel/config-update';
export { queryCommitted, waitForChaincodeOnEveryPeer, type DeployResult } from './chaincode/lifecycle';
export { CHANNEL_POLICY_PREFIX, majorityPolicy, wantedPolicy } from './chaincode/endorsement-policy';
export { connectionProfileFile, adminEnvFile, connectionProfile, REGISTRAR_LABEL } from './profiles';
export { adminEnvText, adminEnvVars, orgPeerVars } from './admin-env';
export { LOCAL_HOST } from './local-host';
export { samplePaymentFlow, type SampleFlowResult } from './sample-flow';
export * from './caliper';
export { peerCli, peerAdminEnv } from './admin-cli';
export type { ChangeGovernanceOptions, GovernanceStep } from './governance/ledger';
export {
  genesisTerms,
  genesisDigest,
  editTerms,
  sameTerms,
  termsOf,
  type Governance,
  type GovernanceEdits,
  type GovernanceTerms,
} from './governance/terms';
export {
  submit as submitAs,
  evaluate as evaluateAs,
  orgAdmin,
  orgUser,
  ChaincodeCallError,
  type ChaincodeCaller,
} from './chaincode/calls';
export { install, defaultLayout, loadVersions, InstallError } from './install';
export * from './membership';
export * from './kubernetes';
