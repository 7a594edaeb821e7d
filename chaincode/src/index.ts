/**
 * Chaincode entry module (package.json "main"). fabric-shim's bootstrap
 * (`fabric-chaincode-node server|start`) reads `contracts` and `serializers`
 * from here; src/server.ts does the same programmatically.
 */
import { PaymentsContract } from './contract/payments-contract';

export { PaymentsContract, CONTRACT_NAME } from './contract/payments-contract';
export { serializers, FabpaySerializer } from './serializer';
export { ChaincodeError } from './errors';
export { MAX_AMOUNT } from './amount';
// The shared model (records, codes, events) stays importable from here for existing users.
export * from '@fabpay/model';

/** Contract classes served by this chaincode. */
export const contracts = [PaymentsContract];
