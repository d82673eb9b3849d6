import avro from 'avsc';
import type { AvroSchemaDefinition } from './avro-schema.js';
import { AvroCodecError } from './errors.js';

/**
 * An Avro schema: a definition (object, `as const` welcome, or JSON text) or an already parsed
 * avsc `Type`. See {@link AvroValue} for the event type of an `as const` schema.
 */
export type AvroSchema = avro.Type | avro.Schema | AvroSchemaDefinition;

// Parsing a schema is far slower than encoding with it, so each definition is parsed once.
const parsedByDefinition = new Map<string, avro.Type>();
const parsedByObject = new WeakMap<object, avro.Type>();

/** The avsc `Type` of a schema, parsed once and cached. */
export function toAvroType(schema: AvroSchema): avro.Type {
  if (schema instanceof avro.Type) return schema;
  if (typeof schema === 'object' && schema !== null) {
    const cached = parsedByObject.get(schema);
    if (cached) return cached;
    const type = parse(schema);
    parsedByObject.set(schema, type);
    return type;
  }
  let type = parsedByDefinition.get(schema);
  if (!type) {
    type = parse(schema);
    parsedByDefinition.set(schema, type);
  }
  return type;
}

function parse(schema: avro.Schema | AvroSchemaDefinition): avro.Type {
  try {
    // avsc reads the definition and never mutates it; its typings just do not say `readonly`.
    return avro.Type.forSchema((typeof schema === 'string' ? JSON.parse(schema) : schema) as avro.Schema);
  } catch (cause) {
    throw new AvroCodecError(`invalid avro schema: ${cause instanceof Error ? cause.message : String(cause)}`, {}, cause);
  }
}

/**
 * Encodes one event as raw Avro binary (no container header, no registry prefix), the format
 * dp-kafka writes. Throws {@link AvroCodecError} naming the first invalid field.
 */
export function encodeAvro(schema: AvroSchema, event: unknown): Buffer {
  const type = toAvroType(schema);
  const paths: string[] = [];
  if (!type.isValid(event, { errorHook: (path) => paths.push(path.join('.') || '(root)') })) {
    throw new AvroCodecError(`event does not match avro schema ${describe(type)}: invalid field(s) ${paths.join(', ')}`, {
      schema: describe(type),
      fields: paths,
    });
  }
  return type.toBuffer(event);
}

/** Decodes raw Avro binary written with the same schema. Throws {@link AvroCodecError}. */
export function decodeAvro<T = unknown>(schema: AvroSchema, bytes: Buffer): T {
  const type = toAvroType(schema);
  try {
    return type.fromBuffer(bytes) as T;
  } catch (cause) {
    throw new AvroCodecError(`failed to decode payload with avro schema ${describe(type)}`, { schema: describe(type) }, cause);
  }
}

function describe(type: avro.Type): string {
  return type.name ?? type.typeName;
}
