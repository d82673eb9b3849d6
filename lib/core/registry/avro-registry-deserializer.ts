import type avro from 'avsc';
import { toAvroType, type AvroSchema } from '../avro.js';
import { AvroCodecError, describeCause } from '../errors.js';
import { cachedPromise } from './promise-cache.js';
import type { SchemaRegistry } from './schema-registry.js';
import { decodeRegistryFrame } from './wire-format.js';

/**
 * Deserializes records in the Confluent wire format: the schema id in each record names the writer
 * schema, fetched once and cached; with a reader schema, Avro schema resolution reads an older or
 * newer writer's record as the reader's type (defaults fill added fields, removed fields are
 * skipped). Resolvers are built once per (writer id, reader schema).
 */
export class AvroRegistryDeserializer {
  private readonly writers = new Map<number, Promise<avro.Type>>();
  private readonly resolvers = new WeakMap<avro.Type, Map<number, avro.Resolver>>();

  constructor(private readonly registry: SchemaRegistry) {}

  /**
   * Decodes one record. Rejects with `RegistryFramingError` (no magic byte, too short) or
   * `AvroCodecError` (a body that does not decode, or a reader that cannot read the writer), both
   * not retryable; with `SchemaRegistryUnavailableError` (retryable) when the writer schema is not
   * cached and the registry cannot answer.
   */
  async deserialize<T = unknown>(bytes: Buffer, readerSchema?: AvroSchema): Promise<T> {
    const { schemaId, body } = decodeRegistryFrame(bytes);
    const writer = await cachedPromise(this.writers, schemaId, async () => toAvroType(await this.registry.schemaById(schemaId)));
    const reader = readerSchema === undefined ? writer : toAvroType(readerSchema);
    const resolver = reader === writer ? undefined : this.resolver(reader, writer, schemaId);
    try {
      return reader.fromBuffer(body, resolver) as T;
    } catch (cause) {
      throw new AvroCodecError(`failed to decode a record of schema id ${schemaId}: ${describeCause(cause)}`, { schemaId }, cause);
    }
  }

  private resolver(reader: avro.Type, writer: avro.Type, schemaId: number): avro.Resolver {
    let byWriter = this.resolvers.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.resolvers.set(reader, byWriter);
    }
    let resolver = byWriter.get(schemaId);
    if (!resolver) {
      try {
        resolver = reader.createResolver(writer);
      } catch (cause) {
        throw new AvroCodecError(
          `reader schema ${reader.name ?? reader.typeName} cannot read schema id ${schemaId}: ${describeCause(cause)}`,
          { schemaId, reader: reader.name ?? reader.typeName },
          cause,
        );
      }
      byWriter.set(schemaId, resolver);
    }
    return resolver;
  }
}
