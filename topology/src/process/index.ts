/**
 * Process control shared by ca/ (CA servers) and network/ (orderers, peers, chaincode servers).
 * It lives in @fabpay/topology because that is the base both depend on (ca must not depend on
 * network); it needs nothing from the topology itself.
 */
export * from './errors';
export * from './control';
export { logTail } from './log-tail';
export { processAlive } from './procfs';
export { readPidRecord, type PidRecord, type VerifiableRecord } from './record';
