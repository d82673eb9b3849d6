import type avro from 'avsc';
import { toAvroType, type AvroSchema } from '../avro.js';
import { AvroCodecError, describeCause } from '../errors.js';
import type { SchemaRegistry } from './schema-registry.js';
import { REGISTRY_HEADER_BYTES, registrySchemaId } from './wire-format.js';

/**
 * The reading side of the registry, with a synchronous path: {@link prepare} makes sure the
 * writer schema of a record is known (a promise only on a miss: one registry request per unknown
 * id, shared by concurrent records; a failure is not kept), then {@link decode} reads it without a
 * promise. Writer schemas by id are kept for the life of the decoder (ids are immutable);
 * resolvers are built once per (writer id, reader schema).
 */
export class RegistryRecordDecoder {
  private readonly writers = new Map<number, avro.Type>();
  private readonly loading = new Map<number, Promise<void>>();
  /** Per reader type and writer id: its resolver, or `null` when the writer is the reader's schema (read directly). */
  private readonly resolvers = new WeakMap<avro.Type, Map<number, avro.Resolver | null>>();
  private last: { reader: avro.Type | undefined; schemaId: number; resolver: avro.Resolver | undefined } = {
    reader: undefined,
    schemaId: -1,
    resolver: undefined,
  };

  constructor(private readonly registry: SchemaRegistry) {}

  /**
   * `undefined` when the writer schema of `bytes` is known, else the promise of fetching it.
   * Throws `RegistryFramingError` for bytes without the framing; the promise rejects with
   * `SchemaRegistryUnavailableError` (retryable) or `SchemaRegistryRequestError` (e.g. unknown id).
   */
  prepare(bytes: Buffer | null | undefined): Promise<void> | undefined {
    const schemaId = registrySchemaId(bytes);
    if (this.writers.has(schemaId)) return undefined;
    let loading = this.loading.get(schemaId);
    if (!loading) {
      loading = this.registry.schemaById(schemaId).then((text) => {
        this.writers.set(schemaId, toAvroType(text));
      });
      this.loading.set(schemaId, loading);
      const forget = () => this.loading.delete(schemaId);
      loading.then(forget, forget);
    }
    return loading;
  }

  /** Whether the writer schema of `schemaId` is known. */
  knows(schemaId: number): boolean {
    return this.writers.has(schemaId);
  }

  /**
   * Decodes a prepared record into `readerSchema` (Avro schema resolution), or into its writer
   * schema without one. Throws `RegistryFramingError`, or `AvroCodecError` for a body that does not
   * decode, a reader that cannot read the writer, or a record whose writer schema was not prepared.
   */
  decode<T = unknown>(bytes: Buffer | null | undefined, readerSchema?: AvroSchema): T {
    const schemaId = registrySchemaId(bytes);
    const writer = this.writers.get(schemaId);
    if (writer === undefined) {
      throw new AvroCodecError(`the writer schema of id ${schemaId} is not fetched yet (prepare the record first)`, { schemaId });
    }
    const reader = readerSchema === undefined ? writer : toAvroType(readerSchema);
    let resolver: avro.Resolver | undefined;
    if (reader !== writer) {
      // Most records of a handler repeat the last (reader, id) pair: skip the two map lookups.
      if (this.last.reader !== reader || this.last.schemaId !== schemaId) {
        this.last = { reader, schemaId, resolver: this.resolver(reader, writer, schemaId) ?? undefined };
      }
      resolver = this.last.resolver;
    }
    const framed = bytes!;
    let decoded: { value: unknown; offset: number };
    try {
      // Read in place after the header (no view of the body, no copy).
      decoded = reader.decode(framed, REGISTRY_HEADER_BYTES, resolver);
    } catch (cause) {
      throw new AvroCodecError(`failed to decode a record of schema id ${schemaId}: ${describeCause(cause)}`, { schemaId }, cause);
    }
    if (decoded.offset !== framed.length) {
      const problem = decoded.offset < 0 ? 'truncated body' : `${framed.length - decoded.offset} byte(s) after the body`;
      throw new AvroCodecError(`failed to decode a record of schema id ${schemaId}: ${problem}`, { schemaId });
    }
    return decoded.value as T;
  }

  private resolver(reader: avro.Type, writer: avro.Type, schemaId: number): avro.Resolver | null {
    let byWriter = this.resolvers.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.resolvers.set(reader, byWriter);
    }
    let resolver = byWriter.get(schemaId);
    if (resolver === undefined) {
      try {
        // The same schema (canonical form) needs no resolution: avsc's resolvers read slower.
        resolver = reader.fingerprint().equals(writer.fingerprint()) ? null : reader.createResolver(writer);
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
