/**
 * Avro schema definitions as TypeScript types. Every object and array is `readonly`, so a schema
 * written `as const` is accepted, and {@link AvroValue} derives the event type from such a schema.
 * (avsc's own `Schema` type has mutable arrays, so it refuses `as const` literals.)
 */

/** Avro's primitive type names. */
export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A primitive written as an object, e.g. `{ type: 'int', logicalType: 'date' }`. */
export interface AvroPrimitiveDefinition {
  /** The primitive. */
  readonly type: AvroPrimitiveName;
  /** A logical type on top of it, e.g. `date`, `timestamp-millis` (avsc reads the underlying primitive unless a logical type is registered). */
  readonly logicalType?: string;
  /** Other attributes of the type (e.g. a logical type's `precision`), kept as written. */
  readonly [param: string]: unknown;
}

/** One field of a record. */
export interface AvroFieldDefinition {
  /** The field name (a literal type, with `as const`, becomes the event's property). */
  readonly name: string;
  /** The field's schema. */
  readonly type: AvroSchemaDefinition;
  /** Documentation for readers of the schema (no effect on encoding). */
  readonly doc?: string;
  /** The value used when reading data written without this field. */
  readonly default?: unknown;
  /** Sort order of the field (ordering only; no effect on encoding). */
  readonly order?: 'ascending' | 'descending' | 'ignore';
  /** Other names of the field (for schema resolution). */
  readonly aliases?: readonly string[];
}

/** A record (or error) type. */
export interface AvroRecordDefinition {
  /** `record` (or `error`, the same encoding). */
  readonly type: 'record' | 'error';
  /** The name (with `namespace`, its full name), by which other schemas refer to it. */
  readonly name: string;
  /** The namespace that qualifies `name`. */
  readonly namespace?: string;
  /** Documentation for readers of the schema (no effect on encoding). */
  readonly doc?: string;
  /** Other names this type was known by (for schema resolution). */
  readonly aliases?: readonly string[];
  /** The fields, in encoding order. */
  readonly fields: readonly AvroFieldDefinition[];
}

/** An enum type. */
export interface AvroEnumDefinition {
  /** An enum. */
  readonly type: 'enum';
  /** The name (with `namespace`, its full name), by which other schemas refer to it. */
  readonly name: string;
  /** The namespace that qualifies `name`. */
  readonly namespace?: string;
  /** Documentation for readers of the schema (no effect on encoding). */
  readonly doc?: string;
  /** Other names this type was known by (for schema resolution). */
  readonly aliases?: readonly string[];
  /** The allowed values, in order. */
  readonly symbols: readonly string[];
  /** The symbol used when reading a symbol this schema does not know. */
  readonly default?: string;
}

/** An array type. */
export interface AvroArrayDefinition {
  /** An array. */
  readonly type: 'array';
  /** The schema of each item. */
  readonly items: AvroSchemaDefinition;
}

/** A map type (string keys). */
export interface AvroMapDefinition {
  /** A map (string keys). */
  readonly type: 'map';
  /** The schema of each value. */
  readonly values: AvroSchemaDefinition;
}

/** A fixed-size bytes type. */
export interface AvroFixedDefinition {
  /** Fixed-size bytes. */
  readonly type: 'fixed';
  /** The name (with `namespace`, its full name), by which other schemas refer to it. */
  readonly name: string;
  /** The namespace that qualifies `name`. */
  readonly namespace?: string;
  /** Other names this type was known by (for schema resolution). */
  readonly aliases?: readonly string[];
  /** The number of bytes. */
  readonly size: number;
  /** A logical type on top of it, e.g. `decimal` or `duration`. */
  readonly logicalType?: string;
}

/**
 * An Avro schema definition: a primitive or named-type reference (string), a complex type, or a
 * union (array of schemas).
 */
export type AvroSchemaDefinition =
  | string
  | AvroPrimitiveDefinition
  | AvroRecordDefinition
  | AvroEnumDefinition
  | AvroArrayDefinition
  | AvroMapDefinition
  | AvroFixedDefinition
  | readonly AvroSchemaDefinition[];

/** The TypeScript type of an Avro primitive's values (`'long'` is a `number`, as avsc reads it; `'bytes'` a `Buffer`). */
export type AvroPrimitiveValue<P> = P extends 'null'
  ? null
  : P extends 'boolean'
    ? boolean
    : P extends 'int' | 'long' | 'float' | 'double'
      ? number
      : P extends 'bytes'
        ? Buffer
        : P extends 'string'
          ? string
          : unknown;

/**
 * The TypeScript type of the events a schema written `as const` describes: records become
 * objects, unions become unions, enums their symbols, arrays and maps arrays and records.
 * A schema whose shape is not known at compile time (a parsed avsc `Type`, JSON text, a named
 * reference) gives `unknown`.
 *
 * @typeParam S - the schema's type (`typeof SCHEMA`)
 * @typeParam Depth - the recursion counter: leave it out (nested schemas deeper than 6 give `unknown`,
 *   which keeps the compiler's work bounded)
 *
 * @example
 * ```ts
 * const ORDER = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] } as const satisfies AvroSchema;
 * type Order = AvroValue<typeof ORDER>; // { id: string }
 * ```
 */
export type AvroValue<S, Depth extends unknown[] = []> = Depth['length'] extends 6
  ? unknown
  : S extends AvroPrimitiveName
    ? AvroPrimitiveValue<S>
    : S extends readonly unknown[]
      ? AvroValue<S[number], [...Depth, 0]>
      : S extends { readonly type: 'record' | 'error'; readonly fields: infer F extends readonly unknown[] }
        ? // A record's fields as an object; field names that are not literal types (no `as const`) give `unknown`.
          [F[number]] extends [{ readonly name: infer N }]
          ? string extends N
            ? unknown
            : {
                -readonly [K in F[number] as K extends { readonly name: infer M extends string } ? M : never]: K extends {
                  readonly type: infer T;
                }
                  ? AvroValue<T, [...Depth, 0]>
                  : never;
              }
          : unknown
        : S extends { readonly type: 'enum'; readonly symbols: readonly (infer E)[] }
          ? E
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? AvroValue<I, [...Depth, 0]>[]
            : S extends { readonly type: 'map'; readonly values: infer V }
              ? Record<string, AvroValue<V, [...Depth, 0]>>
              : S extends { readonly type: 'fixed' }
                ? Buffer
                : S extends { readonly type: infer P extends AvroPrimitiveName }
                  ? AvroPrimitiveValue<P>
                  : unknown;
