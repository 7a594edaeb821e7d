/** Raft orderers join and leave the running channel (`fabpay-network orderer add|remove`). */
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
