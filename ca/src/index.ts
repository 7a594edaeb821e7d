/**
 * @fabpay/ca: the tiered Fabric CA of every organisation (TLS CA, root CA, intermediate CA),
 * the MSPs, TLS folders and wallets built from it, and an enrollment API for backend services.
 */
export {
  loadTopology,
  parseTopology,
  parseTopologyYaml,
  TopologyError,
  type Topology,
} from '@fabpay/topology';

export {
  setupOrganizations,
  orgCaCerts,
  type SetupOptions,
  type SetupResult,
  type OrgSetupResult,
} from './setup';
export {
  startCAs,
  stopCAs,
  takeRootsOffline,
  caStatus,
  tierLabel,
  type CaStatus,
  type CaProcessOptions,
  type TierSelection,
  type Progress,
} from './server/cas';
export {
  paths,
  orgPaths,
  orgDir,
  adminEnrollmentId,
  CA_TIERS,
  type CaTier,
  type TopologyPaths,
  type OrgPaths,
  type NodePaths,
  type UserPaths,
  type ServerPaths,
} from './layout';
export {
  reenrollIdentity,
  revokeIdentity,
  generateCrl,
  listRegistered,
  resolveIdentity,
  type RevokeOutcome,
  type ResolvedIdentity,
} from './operations';
export {
  EnrollmentClient,
  enrollmentClientForOrg,
  crlSerials,
  type EnrollmentClientOptions,
  type RegisterRequest,
  type RegisterResult,
  type RevokeRequest,
  type RevokeResult,
} from './enrollment-client';
export { FileIdentityStore, walletIdentity, type WalletIdentity } from './identity-store';
export type { IdentityType, RegisteredIdentity } from './enroll/identities';
export { caName, caHost, serverConfigYaml, type ServerConfigInput } from './server/config';
export { caHosts, nodeHosts } from './tls-hosts';
export * from './errors';
export * as certs from './certs';
