import { encodeAvro, type AvroSchema } from '../core/avro.js';
import { InvalidMessageError } from '../core/errors.js';
import { buildMessage, ProducerHeaders, toJsonValue, toRecordValue } from '../core/producer/record.js';
import { REQUEST_ID_HEADER } from '../core/request-context.js';

/** The payload of a test record: exactly one of raw bytes, a JSON value or an Avro event. */
export type TestPayload =
  | { readonly value: Buffer | Uint8Array | string | null }
  | { readonly json: unknown }
  | { readonly schema: AvroSchema; readonly event: unknown };

/** Everything but the payload of a test record. */
export interface TestRecordOptions {
  /** Record key. */
  readonly key?: string | Buffer;
  /** Headers; values are stored as bytes, as a broker delivers them. */
  readonly headers?: Record<string, string | Buffer>;
  /** Sets the `request-id` header (wins over one given in `headers`). */
  readonly requestId?: string;
  /** Record timestamp, ms since the epoch. Default: now. */
  readonly timestamp?: number;
}

/** A payload with its options. */
export type TestRecordInput = TestPayload & TestRecordOptions;

/** A record ready to be stored in a partition: bytes, as a broker holds them. */
export interface StoredRecord {
  /** Payload bytes (`null` for a tombstone). */
  readonly value: Buffer | null;
  /** Key bytes, if any. */
  readonly key: Buffer | null;
  /** Headers (a repeated header as an array). */
  readonly headers: Record<string, Buffer | Buffer[]>;
  /** Timestamp, ms since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/**
 * Turns a test input into stored bytes with the producer's own encoders and checks, so a test
 * record is exactly what `send` / `sendJSON` / `sendBytes` would have written.
 *
 * @throws InvalidMessageError (bad key, headers or payload), AvroCodecError (event not valid for schema)
 */
export function toStoredRecord(topic: string, input: TestRecordInput): StoredRecord {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidMessageError(topic, 'a test message must be an object with value, json or schema + event');
  }
  const value = encodePayload(topic, input);
  const headers: Record<string, string | Buffer> = { ...(input.headers ?? {}) };
  if (input.requestId !== undefined) headers[REQUEST_ID_HEADER] = input.requestId;
  // buildMessage validates key and headers exactly as a send does; its producer-wide request id
  // is dropped again unless the test asked for one.
  const built = buildMessage(topic, value ?? '', { key: input.key, headers }, new ProducerHeaders(''));
  const builtHeaders = { ...built.headers };
  if (!(REQUEST_ID_HEADER in headers)) delete builtHeaders[REQUEST_ID_HEADER];
  return storedFromSent({ value, key: built.key, headers: builtHeaders, timestamp: String(input.timestamp ?? Date.now()) });
}

/** Stored bytes of a record handed to a producer sink (kafkajs' message shape). */
export function storedFromSent(message: {
  value: Buffer | string | null;
  key?: Buffer | string | null;
  headers?: Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined>;
  timestamp?: string;
}): StoredRecord {
  const headers: Record<string, Buffer | Buffer[]> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    if (raw === undefined) continue;
    headers[name] = Array.isArray(raw) ? raw.map(toBuffer) : toBuffer(raw as Buffer | string);
  }
  return {
    value: message.value === null ? null : toBuffer(message.value),
    key: message.key === undefined || message.key === null ? null : toBuffer(message.key),
    headers,
    timestamp: message.timestamp ?? String(Date.now()),
  };
}

function encodePayload(topic: string, input: TestRecordInput): Buffer | string | null {
  if ('schema' in input) return encodeAvro(input.schema, input.event);
  if ('json' in input) return toJsonValue(topic, input.json);
  if ('value' in input) return input.value === null ? null : toRecordValue(topic, input.value);
  throw new InvalidMessageError(topic, 'a test message needs one of value, json or schema + event');
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
