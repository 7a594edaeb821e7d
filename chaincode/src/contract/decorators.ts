import 'fabric-contract-api'; // installs reflect-metadata's global Reflect API
import { JsonSchema, StringSchema } from './schemas';

/** One parameter: its name (as in the method signature), schema and description. */
export type ParamSpec = [name: string, schema: StringSchema, description: string];

/** What {@link Tx} records for a transaction. */
export interface TxSpec {
  /** true: submit (state-changing); false: evaluate (query). */
  submit: boolean;
  description: string;
  params: ParamSpec[];
  returns: JsonSchema;
}

// reflect-metadata augments the global Reflect at runtime (fabric-contract-api
// requires it); we only need these two calls, so type them here instead of
// pulling in the package's global declarations.
const meta = Reflect as unknown as {
  getMetadata(key: string, target: object): unknown;
  defineMetadata(key: string, value: unknown, target: object): void;
};

interface TransactionMetadata {
  name: string;
  tag: string[];
  description: string;
  parameters: { name: string; description: string; schema: StringSchema }[];
  returns: JsonSchema;
}

/**
 * Names of the submit (state-changing) transactions, filled in by {@link Tx}
 * as the contract class is defined; the contract's admission checks (members
 * only, trusted time) apply to exactly these.
 */
export const SUBMIT_TRANSACTIONS = new Set<string>();

/**
 * Declares a transaction with complete metadata: explicit parameter schemas
 * (patterns and bounds, which fabric-contract-api's @Param cannot express)
 * and a return schema. It writes the same `fabric:transactions` metadata the
 * stock @Transaction/@Param/@Returns decorators write, so fabric-shim routes
 * and validates calls exactly as usual.
 */
export function Tx(spec: TxSpec) {
  return (target: object, propertyKey: string): void => {
    if (spec.submit) {
      SUBMIT_TRANSACTIONS.add(propertyKey);
    }
    const existing =
      (meta.getMetadata('fabric:transactions', target) as TransactionMetadata[] | undefined) ?? [];
    const entry: TransactionMetadata = {
      name: propertyKey,
      tag: spec.submit ? ['SUBMIT', 'submitTx'] : ['EVALUATE'],
      description: spec.description,
      parameters: spec.params.map(([name, schema, description]) => ({
        name,
        description,
        schema: { ...schema, description },
      })),
      returns: spec.returns,
    };
    meta.defineMetadata(
      'fabric:transactions',
      [...existing.filter((t) => t.name !== propertyKey), entry],
      target,
    );
  };
}
