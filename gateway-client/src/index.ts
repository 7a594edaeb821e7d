/**
 * @fabpay/gateway-client: pooled, health-checked, retrying access to Fabric
 * peer gateways, with a typed payments API.
 *
 * @example
 * const client = await FabpayClient.fromProfile({
 *   profile: process.env.FABPAY_PROFILE!, identityStore: process.env.FABPAY_WALLET!,
 *   identityLabel: 'appUser', channel: 'payments',
 * });
 * const payments = new PaymentsClient(client, { chaincode: 'payments' });
 * await payments.pay({ paymentId: 'p-1', from: 'alice', to: 'shop', amount: '1250', currency: 'EUR' });
 * await client.close();
 */
export { FabpayClient } from './client';
export type {
  ClientIdentity,
  CloseOptions,
  ContractHandle,
  FabpayClientOptions,
  FromProfileOptions,
} from './client';
export type { CommitTracking, SubmitResult, TransactionRequest } from './transactions';
export {
  DEFAULT_COMMIT_TRACKER_OPTIONS,
  type CommitTrackerOptions,
  type CommitTrackerStatus,
} from './commits/tracker';
export { validationCodeName } from './transactions';
export {
  outcomeUnknown,
  provesNotAccepted,
  resolution,
  withTransactionId,
  type TransactionResolution,
} from './outcomes';
export {
  ChaincodeError,
  ClientClosedError,
  CommitStatusError,
  DeadlineExceededError,
  EndorseError,
  EndpointsUnavailableError,
  FabpayError,
  GatewayRequestError,
  QueueFullError,
  SubmitError,
  TransactionInvalidError,
  TransactionOutcomeUnknownError,
} from './errors';
export { DEFAULT_DEADLINES, type Deadlines } from './deadlines';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type Stage } from './retry/policy';
export { classify, parseChaincodeError, type Classification, type FailureKind } from './retry/classify';
export type { EndpointStatus, PoolStatus } from './pool/pool';
export { DEFAULT_HEALTH_OPTIONS, type EndpointState, type HealthOptions } from './pool/health';
export type { SelectionStrategy } from './pool/selection';
export { DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions } from './pool/connections';
export {
  ConnectionProfileError,
  defaultChannel,
  endpointsFromProfile,
  loadConnectionProfile,
  parseConnectionProfile,
  type ConnectionProfile,
  type EndpointConfig,
  type EndpointSelection,
} from './profile';
export { IdentityStoreError, listIdentities, loadIdentity, type StoredIdentity } from './identity-store';
export { newNodeSigner, type NodeSigner } from './signing';
export {
  ChaincodeEventStream,
  EventHandlerError,
  EventStreamFatalError,
  type ChaincodeEvent,
  type ChaincodeEventStreamOptions,
  type ChaincodeEventStreamStats,
} from './events/stream';
export { ClientMetrics, type MetricsOptions } from './metrics';
export type { Logger } from './logger';
export * from './payments/api';
export {
  AccountQueue,
  DEFAULT_MAX_QUEUED_PER_ACCOUNT,
  type AccountOrderingOptions,
} from './payments/account-queue';
export * from './payments/errors';
export type * from './payments/types';
