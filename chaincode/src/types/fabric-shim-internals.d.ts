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
    /** Contract name used when the function name has no `contract:` prefix. */
    defaultContractName: string;
    /** Per contract name: the instance and the DataMarshall (serializer and ajv) its calls use. */
    contractImplementations: Record<
      string,
      {
        contractInstance: unknown;
        dataMarshall: {
          serializer: {
            toBuffer(result: unknown, schema?: unknown, loggerPrefix?: string): Buffer | undefined;
          };
          ajv: {
            compile(schema: object): ((data: unknown) => boolean) & {
              errors?: { message?: string }[] | null;
            };
          };
        };
      }
    >;
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    invokeFunctionality(stub: unknown): Promise<ChaincodeResponse>;
  }
  export = ChaincodeFromContract;
}

/** fabric-shim's winston logger factory (the one ChaincodeFromContract hands to ctx.logging). */
declare module 'fabric-shim/lib/logger' {
  export function getLogger(name?: string): unknown;
  export function setLevel(level: string): void;
}
