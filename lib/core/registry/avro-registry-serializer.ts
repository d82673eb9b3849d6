import type { AvroSchema } from '../avro.js';
import type { SchemaRole } from './subject-name-strategy.js';
import { WriterSchemas, type AvroRegistrySerializerOptions } from './writer-schemas.js';

export type { AvroRegistrySerializerOptions } from './writer-schemas.js';

/** Per-call choices of {@link AvroRegistrySerializer.serialize}. */
export interface AvroRegistrySerializeOptions {
  /** Key or value (default `value`); picks the subject with the strategy. */
  readonly role?: SchemaRole;
  /** Write with this registered schema id instead of the subject's latest version (or the registered schema). */
  readonly schemaId?: number;
}

/**
 * Serializes events as Avro in the Confluent wire format (magic byte, schema id, Avro body). Ids and
 * parsed schemas are cached: once warm, a record costs no registry request. The latest version of
 * a subject is asked again after `latestVersionTtlMs`.
 */
export class AvroRegistrySerializer {
  private readonly writers: WriterSchemas;

  constructor(options: AvroRegistrySerializerOptions) {
    this.writers = new WriterSchemas(options);
  }

  /**
   * Encodes `event` for `topic`. `schema` is the event's schema: with `autoRegister` it is the one
   * registered and written; otherwise it names the subject (for the record name strategies) and the
   * registry's schema is written, so the event must match that one. A `schemaId` writes with that
   * schema in every mode. Rejects with `AvroCodecError` for an event that does not match,
   * `SchemaRegistrationError` for a refused registration, `SchemaRegistryUnavailableError` when the
   * registry cannot answer.
   */
  async serialize(topic: string, schema: AvroSchema, event: unknown, options: AvroRegistrySerializeOptions = {}): Promise<Buffer> {
    const role = options.role ?? 'value';
    const writer =
      this.writers.now(topic, schema, role, options.schemaId) ?? (await this.writers.load(topic, schema, role, options.schemaId));
    return WriterSchemas.frame(writer, event);
  }
}
