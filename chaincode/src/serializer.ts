import { JSONSerializer } from 'fabric-contract-api';
import { canonicalJson } from './canonical';
import { AMOUNT_PATTERNS } from './contract/schemas';
import { fail } from './errors';

/** The shape fabric-shim's DataMarshall passes to fromBuffer. */
interface WrappedSchema {
  properties: { prop: { type?: string; pattern?: string; maxLength?: number; description?: string } };
}

/**
 * JSON serializer with two changes from the stock one:
 *
 * - string parameters are checked against their metadata schema here, so a
 *   malformed argument is rejected before transaction code runs *with a coded
 *   message* (`INVALID_AMOUNT: ...` for amounts, `INVALID_ARGUMENT: ...`
 *   otherwise); the stock path would reject it too, but with an uncoded ajv
 *   message;
 * - results are written as canonical JSON, so every endorser returns the same
 *   bytes.
 */
export class FabpaySerializer extends JSONSerializer {
  // The base class declares `any` for these parameters; we keep its signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override toBuffer(result: any, _schema?: any, _loggerPrefix?: string): Buffer {
    if (result === undefined || result === null) {
      return undefined as unknown as Buffer; // fabric-shim sends an empty payload for undefined
    }
    return Buffer.from(typeof result === 'string' ? result : canonicalJson(result), 'utf8');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override fromBuffer(data: Buffer, fullschema: any, loggerPrefix?: string): any {
    const schema = (fullschema as WrappedSchema | undefined)?.properties?.prop;
    if (schema && schema.type === 'string') {
      const value = Buffer.from(data ?? []).toString('utf8');
      checkString(value, schema);
    }
    return super.fromBuffer(data, fullschema, loggerPrefix);
  }
}

/**
 * Checks a string argument against its parameter schema (maxLength, then
 * pattern), throwing INVALID_AMOUNT for amount patterns and INVALID_ARGUMENT
 * otherwise. Exported for the direct dispatch (fast-dispatch.ts), which runs
 * the same check.
 */
export function checkString(
  value: string,
  schema: { pattern?: string; maxLength?: number; description?: string },
): void {
  const what = schema.description ? `argument (${schema.description})` : 'argument';
  const isAmount = schema.pattern !== undefined && AMOUNT_PATTERNS.has(schema.pattern);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    throw fail(
      isAmount ? 'INVALID_AMOUNT' : 'INVALID_ARGUMENT',
      `${what} is longer than ${schema.maxLength} characters`,
    );
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    throw fail(isAmount ? 'INVALID_AMOUNT' : 'INVALID_ARGUMENT', `${what} does not match ${schema.pattern}`);
  }
}

/** The `serializers` export fabric-shim's bootstrap looks for in the main module. */
export const serializers = {
  transaction: 'fabpay',
  serializers: { fabpay: FabpaySerializer },
};
