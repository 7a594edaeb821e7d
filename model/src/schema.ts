/*
 * JSON schemas of the records, typed against their interfaces: a schema is
 * accepted by the compiler only if it names exactly the interface's fields
 * with matching kinds, so the interface (for code) and the schema (for the
 * contract metadata and runtime checks) cannot drift apart. The schema types
 * are type aliases, not interfaces, so that they are assignable to plain JSON
 * object types (Record<string, unknown>) such as the contract metadata's.
 */

/** A free-form string (an `enum` only documents the values expected today). */
export type StringSchema = {
  readonly type: 'string';
  readonly enum?: readonly string[];
};

/** A string that is one of a closed list of values. */
export type EnumSchema<T extends string> = {
  readonly type: 'string';
  readonly enum: readonly T[];
};

/** A whole number (JSON numbers; never money, which is a decimal string). */
export type IntegerSchema = {
  readonly type: 'integer';
};

/** true or false. */
export type BooleanSchema = {
  readonly type: 'boolean';
};

/** An array whose items all have one schema. */
export type ArraySchema<E> = {
  readonly type: 'array';
  readonly items: FieldSchema<E>;
};

/** An object with arbitrary keys whose values all have one schema (`Record<string, V>`). */
export type MapSchema<V> = {
  readonly type: 'object';
  readonly additionalProperties: FieldSchema<V>;
};

/**
 * An object with exactly the fields of `T`; `required` lists all but the
 * optional ones (which are checked when present).
 */
export type ObjectSchema<T> = {
  readonly type: 'object';
  readonly properties: { readonly [K in keyof T]-?: FieldSchema<Exclude<T[K], undefined>> };
  readonly required: readonly (keyof T & string)[];
};

/** The optional fields of `T` (`n?: number`). */
export type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T] & string;

/** The schema a field of type `T` must have. */
export type FieldSchema<T> = [T] extends [string]
  ? string extends T
    ? StringSchema
    : EnumSchema<T>
  : [T] extends [number]
    ? IntegerSchema
    : [T] extends [boolean]
      ? BooleanSchema
      : [T] extends [readonly (infer E)[]]
        ? ArraySchema<E>
        : [T] extends [object]
          ? string extends keyof T
            ? MapSchema<T[keyof T]>
            : ObjectSchema<T>
          : never;

/** Any schema of this module, for code that walks schemas without knowing the type. */
export type AnySchema =
  | StringSchema
  | IntegerSchema
  | BooleanSchema
  | { readonly type: 'array'; readonly items: AnySchema }
  | { readonly type: 'object'; readonly additionalProperties: AnySchema }
  | {
      readonly type: 'object';
      readonly properties: Readonly<Record<string, AnySchema>>;
      readonly required: readonly string[];
    };

/** Shorthand for a free-form string field. */
export const STRING: StringSchema = { type: 'string' };
/** Shorthand for an integer field. */
export const INTEGER: IntegerSchema = { type: 'integer' };
/** Shorthand for a boolean field. */
export const BOOLEAN: BooleanSchema = { type: 'boolean' };

/** The schema of a closed list of string values. */
export function enumOf<T extends string>(values: readonly T[]): EnumSchema<T> {
  return { type: 'string', enum: values };
}

/** The schema of an array of `items`. */
export function arrayOf<E>(items: FieldSchema<E>): ArraySchema<E> {
  return { type: 'array', items };
}

/**
 * The schema of an object of type `T`. Every field is required except those
 * named in `optional`: a field added to a record that is already on the
 * ledger (an account's `shards`) is optional, so records written before it
 * existed keep their exact bytes and still conform.
 */
export function objectSchema<T>(
  properties: ObjectSchema<T>['properties'],
  optional: readonly OptionalKeys<T>[] = [],
): ObjectSchema<T> {
  const skip: ReadonlySet<string> = new Set(optional);
  const required = Object.keys(properties).filter((k) => !skip.has(k)) as (keyof T & string)[];
  return { type: 'object', properties, required };
}
