import type { AnySchema } from './schema';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with `value` as an instance of `schema`, one line per problem
 * with its JSON path (`$.terms.members[0]: ...`); empty when it conforms.
 * Objects must have exactly the schema's fields: a missing or an extra field
 * is a problem, because both sides reading the same JSON is the point.
 */
export function schemaErrors(schema: AnySchema, value: unknown, path = '$'): string[] {
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      return schema.enum && !schema.enum.includes(value)
        ? [`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`]
        : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((item, i) => schemaErrors(schema.items, item, `${path}[${i}]`));
    case 'object': {
      if (!isPlainObject(value)) return [`${path}: expected an object`];
      if ('additionalProperties' in schema) {
        const items = schema.additionalProperties;
        return Object.entries(value).flatMap(([k, v]) => schemaErrors(items, v, `${path}.${k}`));
      }
      const missing = schema.required.filter((k) => !(k in value)).map((k) => `${path}.${k}: missing`);
      const extra = Object.keys(value)
        .filter((k) => !Object.prototype.hasOwnProperty.call(schema.properties, k))
        .map((k) => `${path}.${k}: not in the model`);
      const fields = Object.entries(schema.properties).flatMap(([k, s]) =>
        k in value ? schemaErrors(s, value[k], `${path}.${k}`) : [],
      );
      return [...missing, ...extra, ...fields];
    }
  }
}
