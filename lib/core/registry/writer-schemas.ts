import avro from 'avsc';
import { toAvroType, encodeAvro, type AvroSchema } from '../avro.js';
import type { SchemaRegistry } from './schema-registry.js';
import { topicNameStrategy, type SchemaRole, type SubjectNameStrategy } from './subject-name-strategy.js';
import { encodeRegistryFrame, REGISTRY_HEADER_BYTES, REGISTRY_MAGIC_BYTE } from './wire-format.js';

/** Default {@link AvroRegistrySerializerOptions.latestVersionTtlMs}: one minute. */
export const DEFAULT_LATEST_VERSION_TTL_MS = 60_000;

/** Where {@link WriterSchemas.frame} encodes bodies before copying them out; grows when a record needs more. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** After a failed refresh of a subject's latest version, the next attempt waits this long (capped by the TTL). */
const REFRESH_RETRY_MS = 1_000;

/** How a serializer finds the schema and id it writes with. */
export interface AvroRegistrySerializerOptions {
  /** The registry (a client from `createSchemaRegistryClient`, or the test kit's in-memory one). */
  readonly registry: SchemaRegistry;
  /**
   * Names the subject of a schema (default `topicNameStrategy`: `<topic>-key` / `<topic>-value`).
   * Called once per topic, role and schema: it must be a pure function.
   */
  readonly subjectNameStrategy?: SubjectNameStrategy;
  /**
   * `true` registers the event's schema under its subject (once per serializer) and writes with it.
   * `false` (the default, as production registries are usually locked) writes with the subject's
   * latest version, or with `schemaId` when a call gives one.
   */
  readonly autoRegister?: boolean;
  /**
   * How long the latest version of a subject is used before the registry is asked again, ms
   * (default 60000; `Infinity`: never). A new version is picked up within this time, without a
   * restart. The refresh runs in the background: records keep being written with the version in
   * hand meanwhile, and while the registry cannot answer. Ids and schemas by id never expire.
   */
  readonly latestVersionTtlMs?: number;
}

/** A schema a record is written with: its registry id and its parsed type. */
export interface WriterSchema {
  readonly id: number;
  readonly type: avro.Type;
}

/** A writer schema looked up by subject, with its freshness (latest-version mode). */
interface SubjectEntry {
  writer: WriterSchema | undefined;
  loading: Promise<WriterSchema> | undefined;
  expiresAt: number;
}

type EntriesByTopic = Map<string, SubjectEntry>;

/**
 * The writer schemas of a serializer or producer, with a synchronous path: once a schema's id is
 * known, {@link now} answers without a promise, so a warm send costs what a plain Avro send costs.
 * {@link load} is the path of a miss (registry round trips; concurrent calls share them, a failure
 * is not kept). Entries are keyed by (parsed type, role, topic), so the subject strategy runs once
 * per key.
 */
export class WriterSchemas {
  private readonly registry: SchemaRegistry;
  private readonly strategy: SubjectNameStrategy;
  private readonly autoRegister: boolean;
  private readonly ttlMs: number;
  private readonly bySchema = new WeakMap<avro.Type, { key: EntriesByTopic; value: EntriesByTopic }>();
  private readonly byId = new Map<number, WriterSchema>();
  private readonly loadingById = new Map<number, Promise<WriterSchema>>();

  constructor(options: AvroRegistrySerializerOptions) {
    this.registry = options.registry;
    this.strategy = options.subjectNameStrategy ?? topicNameStrategy;
    this.autoRegister = options.autoRegister ?? false;
    this.ttlMs = options.latestVersionTtlMs ?? DEFAULT_LATEST_VERSION_TTL_MS;
  }

  /**
   * The writer schema when it is known, else `undefined` (then call {@link load}). In latest-version
   * mode an expired entry is still answered, and a background refresh is started.
   */
  now(topic: string, schema: AvroSchema, role: SchemaRole, schemaId?: number): WriterSchema | undefined {
    if (schemaId !== undefined) return this.byId.get(schemaId);
    const entry = this.entry(toAvroType(schema), role, topic);
    const writer = entry.writer;
    if (writer !== undefined && !this.autoRegister && Date.now() >= entry.expiresAt) this.refresh(entry, topic, schema, role);
    return writer;
  }

  /**
   * The writer schema, asking the registry when it is not known. Rejects with
   * `SchemaRegistrationError`, `SchemaRegistryUnavailableError`, `SchemaRegistryRequestError`, or
   * `KafkaConfigError` from a strategy that cannot name the subject.
   */
  load(topic: string, schema: AvroSchema, role: SchemaRole, schemaId?: number): Promise<WriterSchema> {
    if (schemaId !== undefined) return this.loadById(schemaId);
    const type = toAvroType(schema);
    const entry = this.entry(type, role, topic);
    if (entry.writer !== undefined) return Promise.resolve(this.now(topic, schema, role) ?? entry.writer);
    entry.loading ??= this.fetch(entry, topic, schema, type, role);
    return entry.loading;
  }

  /** `event` in the registry framing of `writer`. Throws `AvroCodecError` for an event that does not match. */
  static frame(writer: WriterSchema, event: unknown): Buffer {
    const { type } = writer;
    // encodeAvro's check names the invalid fields; only a failing event pays for it.
    if (!type.isValid(event)) return encodeRegistryFrame(writer.id, encodeAvro(type, event));
    // The body is encoded after the header in a reused scratch buffer, then copied once.
    let end = type.encode(event, scratch, REGISTRY_HEADER_BYTES);
    if (end < 0) {
      scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
      end = type.encode(event, scratch, REGISTRY_HEADER_BYTES);
    }
    const framed = Buffer.allocUnsafe(end);
    scratch.copy(framed, 0, 0, end);
    framed[0] = REGISTRY_MAGIC_BYTE;
    framed.writeInt32BE(writer.id, 1);
    return framed;
  }

  private entry(type: avro.Type, role: SchemaRole, topic: string): SubjectEntry {
    let roles = this.bySchema.get(type);
    if (!roles) {
      roles = { key: new Map(), value: new Map() };
      this.bySchema.set(type, roles);
    }
    const byTopic = roles[role];
    let entry = byTopic.get(topic);
    if (!entry) {
      entry = { writer: undefined, loading: undefined, expiresAt: 0 };
      byTopic.set(topic, entry);
    }
    return entry;
  }

  private fetch(entry: SubjectEntry, topic: string, schema: AvroSchema, type: avro.Type, role: SchemaRole): Promise<WriterSchema> {
    const loading = (async () => {
      const subject = this.strategy({ topic, role, recordName: type.name });
      const writer = this.autoRegister
        ? this.remember({ id: await this.registry.register(subject, registrationText(schema, type)), type })
        : await this.latest(subject);
      entry.writer = writer;
      entry.expiresAt = Date.now() + this.ttlMs;
      return writer;
    })();
    loading.then(
      () => (entry.loading = undefined),
      () => (entry.loading = undefined),
    );
    return loading;
  }

  /** Background refresh of an expired latest version; the old one stays in use until it answers. */
  private refresh(entry: SubjectEntry, topic: string, schema: AvroSchema, role: SchemaRole): void {
    if (entry.loading !== undefined) return;
    const type = toAvroType(schema);
    entry.loading = this.fetch(entry, topic, schema, type, role);
    entry.loading.catch(() => {
      // Keep writing with the version in hand; ask again soon.
      entry.expiresAt = Date.now() + Math.min(this.ttlMs, REFRESH_RETRY_MS);
    });
  }

  private async latest(subject: string): Promise<WriterSchema> {
    const found = await this.registry.latestVersion(subject);
    const known = this.byId.get(found.id);
    return known ?? this.remember({ id: found.id, type: toAvroType(found.schema) });
  }

  private loadById(id: number): Promise<WriterSchema> {
    const known = this.byId.get(id);
    if (known) return Promise.resolve(known);
    let loading = this.loadingById.get(id);
    if (!loading) {
      loading = this.registry.schemaById(id).then((text) => this.remember({ id, type: toAvroType(text) }));
      this.loadingById.set(id, loading);
      const forget = () => this.loadingById.delete(id);
      loading.then(forget, forget);
    }
    return loading;
  }

  private remember(writer: WriterSchema): WriterSchema {
    if (!this.byId.has(writer.id)) this.byId.set(writer.id, writer);
    return writer;
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
