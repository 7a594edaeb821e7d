import { ChaincodeResponse, Shim } from 'fabric-shim';
import type ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import * as ShimLogger from 'fabric-shim/lib/logger';
import { CertIdentity, CreatorSource } from './caller-identity';
import { PaymentsContext } from './context';
import { checkString } from './serializer';
import type { StringSchema } from './contract/schemas';

/**
 * Transactions the direct dispatch runs: the payment hot path and the
 * queries clients call around it. Everything else (and GetMetadata, the
 * system contract) goes through fabric-contract-api.
 */
export const DIRECT_TRANSACTIONS: readonly string[] = [
  'pay',
  'payFrom',
  'payWithCredits',
  'payBatch',
  'getPayment',
  'getBalance',
  'getAccount',
];

/** The contract hooks fabric-contract-api calls, in the order it calls them. */
interface ContractHooks {
  createContext(): PaymentsContext;
  beforeTransaction(ctx: PaymentsContext): Promise<void>;
  aroundTransaction(ctx: PaymentsContext, fn: string, parameters: string[]): Promise<unknown>;
  afterTransaction(ctx: PaymentsContext, result: unknown): Promise<void>;
}

/** fabric-contract-api's Context setters (in its JavaScript, not in its type declarations). */
interface ContextSetters {
  setChaincodeStub(stub: unknown): void;
  setClientIdentity(identity: unknown): void;
}

/** ajv's compiled validator, as DataMarshall uses it. */
type Validator = ((data: unknown) => boolean) & { errors?: { message?: string }[] | null };

/** One parameter: its metadata schema and the validator compiled from it once. */
interface Param {
  schema: StringSchema;
  validate: Validator;
}

/** A transaction the direct dispatch serves. */
export interface Route {
  /** Method name on the contract. */
  fn: string;
  params: Param[];
}

/** The stub surface the dispatch itself needs (the transaction code gets the whole stub). */
export type DirectStub = CreatorSource & { getBufferArgs(): Uint8Array[] };

/**
 * A direct dispatch of {@link DIRECT_TRANSACTIONS} over fabric-shim's stub,
 * doing what ChaincodeFromContract.invokeFunctionality (fabric-shim 2.5.8)
 * does for them, in its order, minus its per-call overhead:
 *
 * 1. the caller's identity (CertIdentity: ClientIdentity's results from one
 *    cached certificate parse, instead of two parses per call);
 * 2. the parameter count (`Expected N parameters, but M have been supplied`);
 * 3. each argument through our serializer's schema check (coded
 *    INVALID_ARGUMENT / INVALID_AMOUNT) and then the very ajv validator
 *    DataMarshall runs, compiled once here from the same metadata instead of
 *    once per call;
 * 4. the contract's beforeTransaction (admission), aroundTransaction (the
 *    method, which calls the domain function) and afterTransaction;
 * 5. the result through the same serializer instance (canonical JSON).
 *
 * Every error becomes `Shim.error(message)` as there, so GuardedChaincode's
 * normalisation gives the same coded messages. What it drops: winston
 * logging of each step, per-call schema compilation, the second certificate
 * parse, and a logged error line per refusal (fabric-shim's handler still
 * logs each error response once).
 */
export class DirectDispatch {
  private readonly routes = new Map<string, Route>();
  private readonly contract: ContractHooks;
  private readonly serializer: ChaincodeFromContract['contractImplementations'][string]['dataMarshall']['serializer'];
  private readonly logging: PaymentsContext['logging'];

  /** Builds the routes from `chaincode`'s metadata for contract `contractName`. */
  constructor(chaincode: ChaincodeFromContract, contractName: string) {
    const impl = chaincode.contractImplementations[contractName];
    const transactions = chaincode.metadata.contracts[contractName]?.transactions;
    if (!impl || !transactions) {
      throw new Error(`direct dispatch: no contract ${contractName}`);
    }
    this.contract = impl.contractInstance as ContractHooks;
    this.serializer = impl.dataMarshall.serializer;
    const components = chaincode.metadata.components.schemas;
    for (const fn of DIRECT_TRANSACTIONS) {
      const tx = transactions.find((t) => t.name === fn);
      if (!tx) {
        throw new Error(`direct dispatch: ${contractName} has no transaction ${fn}`);
      }
      const params = (tx.parameters ?? []).map((p) => {
        const schema = p.schema as unknown as StringSchema;
        if (schema.type !== 'string') {
          // The serializer check and the argument decoding below assume strings (all of ours are).
          throw new Error(`direct dispatch: ${fn}.${p.name} is not a string parameter`);
        }
        // The exact schema object shape DataMarshall.handleParameters validates against.
        const validate = impl.dataMarshall.ajv.compile({
          properties: { prop: p.schema },
          components: { schemas: components },
        });
        return { schema, validate };
      });
      const route: Route = { fn, params };
      this.routes.set(`${contractName}:${fn}`, route);
      if (chaincode.defaultContractName === contractName) {
        this.routes.set(fn, route);
      }
    }
    // What ChaincodeFromContract gives every context as ctx.logging.
    this.logging = {
      setLevel: ShimLogger.setLevel,
      getLogger: (name?: string) => ShimLogger.getLogger(name ? `${contractName}:${name}` : contractName),
    } as unknown as PaymentsContext['logging'];
  }

  /** The route for a function name (`pay` or `fabpay:pay`), or undefined to leave it to fabric-contract-api. */
  route(functionName: string): Route | undefined {
    return this.routes.get(functionName);
  }

  /** Runs one transaction; `args` are the stub's buffer arguments after the function name. */
  async invoke(stub: DirectStub, route: Route, args: readonly Uint8Array[]): Promise<ChaincodeResponse> {
    try {
      const ctx = this.contract.createContext();
      const setters = ctx as unknown as ContextSetters;
      setters.setChaincodeStub(stub);
      // CertIdentity has ClientIdentity's whole public surface (see caller-identity.ts).
      setters.setClientIdentity(new CertIdentity(stub));
      ctx.logging = this.logging;
      const parameters = this.parameters(route, args);
      await this.contract.beforeTransaction(ctx);
      const result = await this.contract.aroundTransaction(ctx, route.fn, parameters);
      await this.contract.afterTransaction(ctx, result);
      return Shim.success(this.serializer.toBuffer(result) as Buffer);
    } catch (error) {
      return Shim.error((error as Error).message);
    }
  }

  /** DataMarshall.handleParameters for string parameters, with the validators compiled once. */
  private parameters(route: Route, args: readonly Uint8Array[]): string[] {
    if (route.params.length !== args.length) {
      throw new Error(`Expected ${route.params.length} parameters, but ${args.length} have been supplied`);
    }
    return route.params.map((param, i) => {
      const arg = args[i] as Uint8Array;
      const value = Buffer.isBuffer(arg) ? arg.toString('utf8') : Buffer.from(arg).toString('utf8');
      checkString(value, param.schema);
      if (!param.validate({ prop: value })) {
        const errors = JSON.stringify((param.validate.errors ?? []).map((err) => err.message));
        throw new Error(`Unable to validate parameter due to ${errors}`);
      }
      return value;
    });
  }
}
