/**
 * Avro schema definitions as TypeScript types. Every object and array is `readonly`, so a schema
 * written `as const` is accepted, and {@link AvroValue} derives the event type from such a schema.
 * (avsc's own `Schema` type has mutable arrays, so it refuses `as const` literals.)
 */

/** Avro's primitive type names. */
export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A primitive written as an object, e.g. `{ type: 'int', logicalType: 'date' }`. */
export interface AvroPrimitiveDefinition {
  readonly type: AvroPrimitiveName;
  readonly logicalType?: string;
  readonly [param: string]: unknown;
}

/** One field of a record. */
export interface AvroFieldDefinition {
  readonly name: string;
  readonly type: AvroSchemaDefinition;
  readonly doc?: string;
  readonly default?: unknown;
  readonly order?: 'ascending' | 'descending' | 'ignore';
  readonly aliases?: readonly string[];
}

/** A record (or error) type. */
export interface AvroRecordDefinition {
  readonly type: 'record' | 'error';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly aliases?: readonly string[];
  readonly fields: readonly AvroFieldDefinition[];
}

/** An enum type. */
export interface AvroEnumDefinition {
  readonly type: 'enum';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly aliases?: readonly string[];
  readonly symbols: readonly string[];
  readonly default?: string;
}

/** An array type. */
export interface AvroArrayDefinition {
  readonly type: 'array';
  readonly items: AvroSchemaDefinition;
}

/** A map type (string keys). */
export interface AvroMapDefinition {
  readonly type: 'map';
  readonly values: AvroSchemaDefinition;
}

/** A fixed-size bytes type. */
export interface AvroFixedDefinition {
  readonly type: 'fixed';
  readonly name: string;
  readonly namespace?: string;
  readonly aliases?: readonly string[];
  readonly size: number;
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

type PrimitiveValue<P> = P extends 'null'
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
 * @example
 * ```ts
 * const ORDER = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] } as const satisfies AvroSchema;
 * type Order = AvroValue<typeof ORDER>; // { id: string }
 * ```
 */
export type AvroValue<S> = ValueOf<S, []>;

/** Nested schemas deeper than this give `unknown` (keeps the compiler's instantiation bounded). */
type MaxDepth = 6;

type ValueOf<S, D extends unknown[]> = D['length'] extends MaxDepth
  ? unknown
  : S extends AvroPrimitiveName
    ? PrimitiveValue<S>
    : S extends readonly unknown[]
      ? ValueOf<S[number], [...D, 0]>
      : S extends { readonly type: 'record' | 'error'; readonly fields: infer F extends readonly unknown[] }
        ? RecordValue<F[number], [...D, 0]>
        : S extends { readonly type: 'enum'; readonly symbols: readonly (infer E)[] }
          ? E
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? ValueOf<I, [...D, 0]>[]
            : S extends { readonly type: 'map'; readonly values: infer V }
              ? Record<string, ValueOf<V, [...D, 0]>>
              : S extends { readonly type: 'fixed' }
                ? Buffer
                : S extends { readonly type: infer P extends AvroPrimitiveName }
                  ? PrimitiveValue<P>
                  : unknown;

/** A record's fields as an object; field names that are not literal types (no `as const`) give `unknown`. */
type RecordValue<Field, D extends unknown[]> = [Field] extends [{ readonly name: infer N }]
  ? string extends N
    ? unknown
    : {
        -readonly [K in Field as K extends { readonly name: infer M extends string } ? M : never]: K extends { readonly type: infer T }
          ? ValueOf<T, D>
          : never;
      }
  : unknown;
