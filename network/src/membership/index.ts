/**
 * The consortium changes while it runs: organisations join and leave (`org add|remove`), Raft
 * orderers join and leave (`orderer add|remove`), peers join from ledger snapshots (`snapshot`,
 * `peer add`).
 */
export * from './orgs';
export * from './snapshot-peers';
export { MembershipBusyError, withMembershipLock } from './lock';
export {
  addOrderer,
  removeOrderer,
  OrdererChangeRefusedError,
  type OrdererMembershipOptions,
  type OrdererMembershipResult,
} from './orderers';
export { decideAdd, decideRemove, quorum, type ClusterView, type ObservedOrderer } from './rules';
export { consentersOf, ordererEndpointsOf, ConsenterConfigError, type Consenter } from './consenters';
export { observeCluster, NoOrdererAnswersError } from './cluster-view';
