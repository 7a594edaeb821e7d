/**
 * Chaincode entry module (package.json "main"). fabric-shim's bootstrap
 * (`fabric-chaincode-node server|start`) reads `contracts` and `serializers`
 * from here; src/server.ts does the same programmatically.
 */
import { PaymentsContract } from './contract/payments-contract';

export { PaymentsContract, CONTRACT_NAME } from './contract/payments-contract';
export { serializers, FabpaySerializer } from './serializer';
export { ERROR_CODES, ChaincodeError } from './errors';
export type { ErrorCode } from './errors';
export type { EventName, EventPayloads } from './events';
export { MAX_AMOUNT } from './amount';
export * from './model';

/** Contract classes served by this chaincode. */
export const contracts = [PaymentsContract];
