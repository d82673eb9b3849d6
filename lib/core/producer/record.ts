import type { AvroSchema } from '../avro.js';
import type { AvroValue } from '../avro-schema.js';
import { InvalidMessageError } from '../errors.js';
import { currentRequestId, REQUEST_ID_HEADER } from '../request-context.js';
import { OutgoingRecord } from './outgoing-record.js';
import { estimateHeadersSize, type RecordHeaders } from './record-size.js';

/** Per-record options of the `send*()` methods. */
export interface SendOptions {
  /** Record key. Records with the same key go to the same partition, in order. */
  key?: string | Buffer;
  /**
   * Headers of this record only. A key given here replaces a producer-wide header of the same
   * key, including `request-id`.
   */
  headers?: Record<string, string | Buffer>;
  /** Explicit partition; default: chosen by key hash, or spread when there is no key. */
  partition?: number;
}

/**
 * Per-record options of `send()` (Avro). Beside {@link SendOptions}, for a producer with a
 * `schemaRegistry`: `schemaId` writes the value with that registered schema, and `keySchema` sends
 * `key` as an Avro event framed through the registry (subject `<topic>-key` with the default
 * strategy; `keySchemaId` fixes its id). Without `keySchema` the key is a string or bytes as usual.
 */
export interface AvroSendOptions<K extends AvroSchema | undefined = undefined> extends Omit<SendOptions, 'key'> {
  /** Record key: a string or bytes, or with `keySchema` the key event. */
  key?: K extends AvroSchema ? AvroValue<K> : string | Buffer;
  /** Registry producers: the key's Avro schema; the key is written in the registry's framing. */
  keySchema?: K;
  /** Registry producers: write the value with this registered schema id (no latest-version lookup, no registration). */
  schemaId?: number;
  /** Registry producers: write the key with this registered schema id. */
  keySchemaId?: number;
}

/**
 * The producer-wide headers: the `request-id` value and those added with {@link add}. It builds
 * the header set of each record at send time, so a later `add` never changes a queued record.
 */
export class ProducerHeaders {
  private readonly added: Array<readonly [string, string]> = [];
  // Most records carry exactly the producer-wide set: they share one frozen object (and its size).
  private shared: { readonly headers: RecordHeaders; readonly size: number } | undefined;

  /** @param defaultRequestId - `request-id` value used outside any `runWithRequestId` context */
  constructor(private readonly defaultRequestId: string) {}

  /** Appends a header to every later record. An empty key is ignored; a repeated key is kept twice (as dp-kafka does). */
  add(key: string, value: string): void {
    if (typeof key !== 'string' || key.length === 0) return;
    this.added.push([key, String(value)]);
    this.shared = undefined;
  }

  /** {@link estimateHeadersSize} of headers returned by {@link build}, cached for the shared set. */
  sizeOf(headers: RecordHeaders): number {
    return headers === this.shared?.headers ? this.shared.size : estimateHeadersSize(headers);
  }

  /** The producer-wide headers, in the order they were added. */
  list(): ReadonlyArray<readonly [string, string]> {
    return this.added;
  }

  /**
   * Headers of one record: `request-id` (the current context's id, else the producer's), then the
   * added headers, then `trace` (OpenTelemetry propagation headers), then `perRecord`, whose keys
   * replace earlier ones.
   */
  build(perRecord?: Record<string, string | Buffer>, trace?: Record<string, string>): RecordHeaders {
    const contextId = currentRequestId();
    if (contextId === undefined && perRecord === undefined && trace === undefined) {
      if (!this.shared) {
        const headers = Object.freeze(this.compose(this.defaultRequestId, undefined));
        this.shared = { headers, size: estimateHeadersSize(headers) };
      }
      return this.shared.headers;
    }
    return this.compose(contextId ?? this.defaultRequestId, perRecord, trace);
  }

  private compose(
    requestId: string,
    perRecord: Record<string, string | Buffer> | undefined,
    trace?: Record<string, string>,
  ): RecordHeaders {
    const headers: RecordHeaders = { [REQUEST_ID_HEADER]: requestId };
    for (const [key, value] of this.added) {
      const existing = headers[key];
      if (existing === undefined) headers[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[key] = [existing, value];
    }
    if (trace) Object.assign(headers, trace);
    if (perRecord) {
      for (const key of Object.keys(perRecord)) headers[key] = perRecord[key];
    }
    return headers;
  }
}

/**
 * Builds the kafkajs message for one value, checking the options a caller may get wrong.
 * `trace` holds the OpenTelemetry propagation headers of the record's send span, if any.
 *
 * @throws InvalidMessageError naming the bad option
 */
export function buildMessage(
  topic: string,
  value: Buffer | string,
  options: SendOptions | undefined,
  headers: ProducerHeaders,
  trace?: Record<string, string>,
): OutgoingRecord {
  if (options === undefined) return new OutgoingRecord(value, headers.build(undefined, trace));
  if (typeof options !== 'object' || options === null) {
    throw new InvalidMessageError(topic, 'send options must be an object');
  }
  const { key, partition } = options;
  if (key !== undefined && typeof key !== 'string' && !Buffer.isBuffer(key)) {
    throw new InvalidMessageError(topic, 'key must be a string or a Buffer');
  }
  if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0)) {
    throw new InvalidMessageError(topic, `partition must be an integer >= 0, got ${String(partition)}`);
  }
  if (options.headers !== undefined) checkHeaders(topic, options.headers);
  return new OutgoingRecord(value, headers.build(options.headers, trace), key, partition);
}

function checkHeaders(topic: string, perRecord: unknown): void {
  if (typeof perRecord !== 'object' || perRecord === null || Array.isArray(perRecord)) {
    throw new InvalidMessageError(topic, 'headers must be an object of string or Buffer values');
  }
  for (const [key, value] of Object.entries(perRecord)) {
    if (key.length === 0) throw new InvalidMessageError(topic, 'header keys must not be empty');
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new InvalidMessageError(topic, `header ${key} must be a string or a Buffer`);
    }
  }
}

/**
 * The bytes of a `sendBytes` value: Buffers and strings as they are, other Uint8Arrays viewed
 * (not copied) as Buffers.
 *
 * @throws InvalidMessageError for any other type
 */
export function toRecordValue(topic: string, value: unknown): Buffer | string {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new InvalidMessageError(topic, `value must be a Buffer, Uint8Array or string, got ${describeType(value)}`);
}

/**
 * The JSON text of a `sendJSON` value.
 *
 * @throws InvalidMessageError when the value has no JSON form (undefined, a function, a cycle, a BigInt)
 */
export function toJsonValue(topic: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new InvalidMessageError(
      topic,
      `value cannot be serialised as JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    );
  }
  if (text === undefined) throw new InvalidMessageError(topic, `value of type ${describeType(value)} has no JSON form`);
  return text;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
