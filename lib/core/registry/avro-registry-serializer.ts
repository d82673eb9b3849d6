import avro from 'avsc';
import { toAvroType, encodeAvro, type AvroSchema } from '../avro.js';
import { cachedPromise } from './promise-cache.js';
import type { SchemaRegistry } from './schema-registry.js';
import { topicNameStrategy, type SchemaRole, type SubjectNameStrategy } from './subject-name-strategy.js';
import { encodeRegistryFrame } from './wire-format.js';

/** How an {@link AvroRegistrySerializer} finds the schema and id it writes with. */
export interface AvroRegistrySerializerOptions {
  /** The registry (a client from `createSchemaRegistryClient`, or the test kit's in-memory one). */
  readonly registry: SchemaRegistry;
  /** Names the subject of a schema (default {@link topicNameStrategy}: `<topic>-key` / `<topic>-value`). */
  readonly subjectNameStrategy?: SubjectNameStrategy;
  /**
   * `true` registers the event's schema under its subject (once per client) and writes with it.
   * `false` (the default, as production registries are usually locked) writes with the subject's
   * latest version, or with `schemaId` when a call gives one.
   */
  readonly autoRegister?: boolean;
}

/** Per-call choices of {@link AvroRegistrySerializer.serialize}. */
export interface AvroRegistrySerializeOptions {
  /** Key or value (default `value`); picks the subject with the strategy. */
  readonly role?: SchemaRole;
  /** Write with this registered schema id instead of the subject's latest version (ignored with `autoRegister`). */
  readonly schemaId?: number;
}

interface WriterSchema {
  readonly id: number;
  readonly type: avro.Type;
}

/**
 * Serializes events as Avro in the Confluent wire format (magic byte, schema id, Avro body). Ids and
 * parsed schemas are cached: once warm, a record costs no registry request.
 */
export class AvroRegistrySerializer {
  private readonly registry: SchemaRegistry;
  private readonly strategy: SubjectNameStrategy;
  private readonly autoRegister: boolean;
  private readonly registered = new WeakMap<avro.Type, Map<string, Promise<WriterSchema>>>();
  private readonly latest = new Map<string, Promise<WriterSchema>>();
  private readonly byId = new Map<number, Promise<WriterSchema>>();

  constructor(options: AvroRegistrySerializerOptions) {
    this.registry = options.registry;
    this.strategy = options.subjectNameStrategy ?? topicNameStrategy;
    this.autoRegister = options.autoRegister ?? false;
  }

  /**
   * Encodes `event` for `topic`. `schema` is the event's schema: with `autoRegister` it is the one
   * registered and written; otherwise it names the subject (for the record name strategies) and the
   * registry's schema is written, so the event must match that one. Rejects with
   * `AvroCodecError` for an event that does not match, `SchemaRegistrationError` for a refused
   * registration, `SchemaRegistryUnavailableError` when the registry cannot answer.
   */
  async serialize(topic: string, schema: AvroSchema, event: unknown, options: AvroRegistrySerializeOptions = {}): Promise<Buffer> {
    const type = toAvroType(schema);
    const writer = await this.writerSchema(topic, schema, type, options);
    return encodeRegistryFrame(writer.id, encodeAvro(writer.type, event));
  }

  /** The cached writer schema of this call (one promise per subject, type or id, shared by concurrent calls). */
  private writerSchema(topic: string, schema: AvroSchema, type: avro.Type, options: AvroRegistrySerializeOptions): Promise<WriterSchema> {
    const subject = (): string => this.strategy({ topic, role: options.role ?? 'value', recordName: type.name });
    if (this.autoRegister) {
      let bySubject = this.registered.get(type);
      if (!bySubject) {
        bySubject = new Map();
        this.registered.set(type, bySubject);
      }
      const name = subject();
      return cachedPromise(bySubject, name, async () => ({ id: await this.registry.register(name, registrationText(schema, type)), type }));
    }
    if (options.schemaId !== undefined) {
      const id = options.schemaId;
      return cachedPromise(this.byId, id, async () => ({ id, type: toAvroType(await this.registry.schemaById(id)) }));
    }
    const name = subject();
    return cachedPromise(this.latest, name, async () => {
      const found = await this.registry.latestVersion(name);
      return { id: found.id, type: toAvroType(found.schema) };
    });
  }
}

/**
 * The schema text to register: the definition as written. avsc's `Type#schema()` (5.7.9) drops
 * field defaults and `logicalType`s (even with `exportAttrs`), which would register a schema that
 * fails the registry's compatibility checks and that other clients read differently; a parsed
 * `Type` is the only case left to it.
 */
function registrationText(schema: AvroSchema, type: avro.Type): string {
  if (typeof schema === 'string') return JSON.stringify(JSON.parse(schema));
  if (schema instanceof avro.Type) return JSON.stringify(type.schema({ exportAttrs: true }));
  return JSON.stringify(schema);
}
