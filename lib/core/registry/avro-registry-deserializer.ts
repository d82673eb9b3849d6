import type { AvroSchema } from '../avro.js';
import { RegistryRecordDecoder } from './registry-record-decoder.js';
import type { SchemaRegistry } from './schema-registry.js';

/**
 * Deserializes records in the Confluent wire format: the schema id in each record names the writer
 * schema, fetched once and cached; with a reader schema, Avro schema resolution reads an older or
 * newer writer's record as the reader's type (defaults fill added fields, removed fields are
 * skipped). Resolvers are built once per (writer id, reader schema).
 */
export class AvroRegistryDeserializer {
  private readonly decoder: RegistryRecordDecoder;

  constructor(registry: SchemaRegistry) {
    this.decoder = new RegistryRecordDecoder(registry);
  }

  /**
   * Decodes one record. Rejects with `RegistryFramingError` (no magic byte, too short) or
   * `AvroCodecError` (a body that does not decode, or a reader that cannot read the writer), both
   * not retryable; with `SchemaRegistryUnavailableError` (retryable) when the writer schema is not
   * cached and the registry cannot answer.
   */
  async deserialize<T = unknown>(bytes: Buffer, readerSchema?: AvroSchema): Promise<T> {
    const pending = this.decoder.prepare(bytes);
    if (pending) await pending;
    return this.decoder.decode<T>(bytes, readerSchema);
  }
}
