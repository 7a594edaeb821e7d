/**
 * Types for the fabric-shim internals we use: the class fabric-shim's own
 * bootstrap uses to turn contract classes into a chaincode (routing, metadata,
 * parameter validation). server.ts uses it to start the CCaaS server with the
 * exact same wiring as `fabric-chaincode-node server`; the test harness uses
 * it to drive transactions through the real dispatch path.
 */
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract' {
  import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim';

  class ChaincodeFromContract {
    constructor(
      contractClasses: unknown[],
      serializers: unknown,
      metadata?: object,
      title?: string,
      version?: string,
    );
    metadata: {
      contracts: Record<
        string,
        {
          transactions: {
            name: string;
            tag?: string[];
            parameters?: { name: string; schema: Record<string, unknown> }[];
            returns?: Record<string, unknown>;
          }[];
        }
      >;
      components: { schemas: Record<string, unknown> };
      info: Record<string, unknown>;
    };
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    invokeFunctionality(stub: unknown): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}
