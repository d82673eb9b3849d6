import { decodeAvro, type AvroSchema } from './avro.js';
import { AvroCodecError, KafkaError, MessageDecodeError } from './errors.js';
import type { RegistryRecordDecoder } from './registry/registry-record-decoder.js';
import { REQUEST_ID_HEADER } from './request-context.js';
import { traceIdOfHeader } from './telemetry/trace-id.js';

/** Header values as kafkajs delivers them (a header can repeat, hence arrays). */
export type RawHeaderValue = Buffer | string | ReadonlyArray<Buffer | string> | undefined;

/** The fields a {@link KafkaMessage} is built from; any message source (kafkajs, in-memory) fills them. */
export interface KafkaMessageInit {
  /** Topic the record was read from. */
  readonly topic: string;
  /** Partition the record was read from. */
  readonly partition: number;
  /** Offset as a decimal string (kafkajs' representation; 64-bit safe). */
  readonly offset: string;
  /** Payload bytes (`null` for a tombstone). */
  readonly value: Buffer | null;
  /** Record key bytes, if any. */
  readonly key?: Buffer | null;
  /** Record headers as the source delivers them. */
  readonly headers?: Readonly<Record<string, RawHeaderValue>>;
  /** Record timestamp, ms since the epoch, as a decimal string. */
  readonly timestamp?: string;
}

/**
 * What {@link KafkaMessage.mark}, `commit` and `release` do for a message read from a consumer
 * group's `messages()` iterable (the channel-style API). Attached by that API only.
 */
export interface MessageControl {
  /** Stores offset + 1 of the message for the next commit. */
  mark(): void;
  /** Marks, then commits every marked position; resolves when the commit attempt ended. */
  commit(): Promise<void>;
  /** Frees the partition for its next message. */
  release(): void;
}

// The channel-style controls of each message read from `messages()`; kept outside the class so
// that attaching them is not part of the message's public API.
const controls = new WeakMap<KafkaMessage, MessageControl>();

/**
 * Attaches the channel-style controls to `message` (once; later calls are ignored). Used by the
 * consumer group's `messages()` iterable; internal.
 */
export function attachMessageControl(message: KafkaMessage, control: MessageControl): void {
  if (!controls.has(message)) controls.set(message, control);
}

/** How the records of a consumer group with a schema registry are decoded (one object per group). */
export interface RegistryDecoding {
  readonly decoder: RegistryRecordDecoder;
  /** Keys are framed too. */
  readonly keys: boolean;
}

/**
 * Makes `message` decode through the registry (`decode`, `decodeKey`). Set by a consumer group
 * with a `schemaRegistry` before its handler runs; internal.
 */
export function attachRegistryDecoding(message: KafkaMessage, decoding: RegistryDecoding): void {
  (message as unknown as { registry: RegistryDecoding | undefined }).registry = decoding;
}

/** Whether `message` was read by a consumer group with a schema registry (its `decode()` needs no schema). */
export function hasRegistryDecoding(message: KafkaMessage): boolean {
  return (message as unknown as { registry: RegistryDecoding | undefined }).registry !== undefined;
}

/** A consumed record, as handed to message and batch handlers. Read-only. */
export class KafkaMessage {
  /** Topic the record was read from. */
  readonly topic: string;
  /** Partition the record was read from. */
  readonly partition: number;
  /** Offset of the record as a decimal string. */
  readonly offset: string;
  /** Payload bytes (`null` for a tombstone). */
  readonly value: Buffer | null;
  /** Record key bytes, if any. */
  readonly key: Buffer | null;
  /** Record timestamp, ms since the epoch, as a decimal string (`''` if unknown). */
  readonly timestamp: string;
  private readonly rawHeaders: KafkaMessageInit['headers'];
  // Built on first use: most handlers never look at every header, and this runs per message.
  private headerView: Readonly<Record<string, Buffer | string | undefined>> | undefined;
  // Set by a group with a schema registry (attachRegistryDecoding); declared here so every message has one shape.
  private registry: RegistryDecoding | undefined = undefined;

  constructor(init: KafkaMessageInit) {
    this.topic = init.topic;
    this.partition = init.partition;
    this.offset = init.offset;
    this.value = init.value;
    this.key = init.key ?? null;
    this.timestamp = init.timestamp ?? '';
    this.rawHeaders = init.headers;
  }

  /** Headers; a repeated header keeps its first value (dp-kafka's GetHeader rule). */
  get headers(): Readonly<Record<string, Buffer | string | undefined>> {
    this.headerView ??= Object.freeze(firstHeaderValues(this.rawHeaders));
    return this.headerView;
  }

  /** The `request-id` header, if present and non-empty. */
  get requestId(): string | undefined {
    const requestId = this.getHeader(REQUEST_ID_HEADER);
    return requestId === '' ? undefined : requestId;
  }

  /** Text of the header `name` (first value if repeated), or `undefined` if absent. */
  getHeader(name: string): string | undefined {
    const headers = this.rawHeaders;
    if (!headers || !Object.hasOwn(headers, name)) return undefined;
    const raw = headers[name];
    const value = Array.isArray(raw) ? (raw[0] as Buffer | string | undefined) : (raw as Buffer | string | undefined);
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : value.toString('utf8');
  }

  /**
   * Decodes the payload as Avro into `schema`. A record of a consumer group with a
   * `schemaRegistry` is read by the schema id it carries (schema resolution into `schema`, or the
   * writer's schema when `schema` is omitted); any other record is raw Avro written with `schema`
   * (dp-kafka's format), which is then required. Throws {@link AvroCodecError}, or
   * `RegistryFramingError` for a registry group's record without the framing.
   */
  decode<T = unknown>(schema?: AvroSchema): T {
    return this.decodeBytes<T>(this.value, schema, this.registry, 'value');
  }

  /**
   * Decodes the key as Avro, like {@link decode}: through the registry when the group decodes
   * keys (`schemaRegistry.decodeKeys`), else raw Avro written with `schema`.
   */
  decodeKey<T = unknown>(schema?: AvroSchema): T {
    const registry = this.registry?.keys ? this.registry : undefined;
    return this.decodeBytes<T>(this.key, schema, registry, 'key');
  }

  private decodeBytes<T>(bytes: Buffer | null, schema: AvroSchema | undefined, registry: RegistryDecoding | undefined, part: string): T {
    if (bytes === null) {
      throw new AvroCodecError(`cannot avro-decode a message with no ${part}`, this.logData());
    }
    try {
      if (registry !== undefined) return registry.decoder.decode<T>(bytes, schema);
      if (schema === undefined) {
        throw new AvroCodecError(`a schema is needed to decode the ${part} of a record without the schema registry's framing`, {});
      }
      return decodeAvro<T>(schema, bytes);
    } catch (error) {
      if (error instanceof KafkaError) {
        // Re-thrown with where the record came from; RegistryFramingError stays what it is.
        Object.assign(error.logData, this.logData());
      }
      throw error;
    }
  }

  /** Parses the payload as UTF-8 JSON. Throws {@link MessageDecodeError}. */
  json<T = unknown>(): T {
    if (this.value === null) throw new MessageDecodeError('cannot parse JSON from a message with no value', this.logData());
    try {
      return JSON.parse(this.value.toString('utf8')) as T;
    } catch (cause) {
      throw new MessageDecodeError('message value is not valid JSON', this.logData(), cause);
    }
  }

  /**
   * Channel-style API (`group.messages()`): stores offset + 1 for the next commit (marks of a
   * partition never move back). For messages handed to a handler it does nothing: the handler's
   * outcome decides the commit.
   */
  mark(): void {
    controls.get(this)?.mark();
  }

  /**
   * Channel-style API: marks, then commits every marked position of the group; resolves when
   * that commit attempt ended (a failure goes to the group's error stream and is retried with
   * the next commit). For messages handed to a handler it resolves at once and does nothing.
   */
  commit(): Promise<void> {
    const control = controls.get(this);
    return control ? control.commit() : Promise.resolve();
  }

  /**
   * Channel-style API: frees the partition for its next message (one message per partition is in
   * flight until released). Does not mark. Calling it twice is harmless. For messages handed to a
   * handler it does nothing.
   */
  release(): void {
    controls.get(this)?.release();
  }

  /** Channel-style API: {@link commit}, then {@link release}. */
  async commitAndRelease(): Promise<void> {
    try {
      await this.commit();
    } finally {
      this.release();
    }
  }

  /**
   * Where the message came from, for logs, with its `requestId` and the `traceId` of its W3C
   * `traceparent` header when it has them (so every log line about a record names its trace).
   */
  logData(): Record<string, unknown> {
    const data: Record<string, unknown> = { topic: this.topic, partition: this.partition, offset: this.offset };
    const requestId = this.requestId;
    if (requestId !== undefined) data.requestId = requestId;
    const traceId = traceIdOfHeader(this.getHeader('traceparent'));
    if (traceId !== undefined) data.traceId = traceId;
    return data;
  }
}

function firstHeaderValues(headers: KafkaMessageInit['headers']): Record<string, Buffer | string | undefined> {
  const out: Record<string, Buffer | string | undefined> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    out[name] = Array.isArray(value) ? (value[0] as Buffer | string | undefined) : (value as Buffer | string | undefined);
  }
  return out;
}
