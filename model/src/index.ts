/**
 * @fabpay/model: what the payments chaincode and its clients must agree on,
 * in one place both import: record types and their JSON schemas, error codes
 * and the rejection message format, event names and payloads, and the ID
 * formats a client reproduces. Plain TypeScript with no runtime dependencies,
 * so a client gets the model without the chaincode's fabric-shim.
 */
export * from './account';
export * from './amount';
export * from './batch';
export * from './credit';
export * from './credit-ids';
export * from './error-codes';
export * from './error-message';
export * from './events';
export * from './governance';
export * from './hold';
export * from './ids';
export * from './issuance';
export * from './limits';
export * from './payment';
export * from './queries';
export * from './schema';
export * from './shards';
export * from './validate';
