import type { Serializer } from '@nestjs/microservices';

/** The record a serializer of this transport returns: kafkajs' message shape. */
export interface SerializedKafkaRecord {
  /** The record key (text or bytes); absent or null for none. */
  key?: Buffer | string | null;
  /** The record value (text or bytes); null for none (written as an empty value). */
  value: Buffer | string | null;
  /** Record headers; undefined values are left out. */
  headers: Record<string, Buffer | string | undefined>;
  /** An explicit partition; default: by key hash, or spread when there is no key. */
  partition?: number;
}

function encode(value: unknown): Buffer | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  const withText = value as { toString(): string };
  if (typeof value !== 'object') return withText.toString();
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
  // An object that defines its own toString (a Date, a class with a text form) is sent as that text.
  if (!plain && withText.toString !== Object.prototype.toString) return withText.toString();
  return JSON.stringify(value);
}

/**
 * The default serializer of {@link KafkaChannelsServer} replies and {@link KafkaChannelsClient}
 * requests and events, with the built-in Kafka transport's rules: a value that is not already
 * `{ key?, value, headers? }` becomes the record's value; objects and arrays are written as JSON,
 * strings and Buffers as they are, `undefined` as no value; `headers` defaults to `{}`.
 */
export class KafkaRecordSerializer implements Serializer<unknown, SerializedKafkaRecord> {
  /** Turns a payload (or a `{ key?, value, headers? }` record) into a record with encoded key and value. */
  serialize(input: unknown): SerializedKafkaRecord {
    const isRecord = typeof input === 'object' && input !== null && ('key' in input || 'value' in input);
    const record = (isRecord ? { ...input } : { value: input }) as {
      key?: unknown;
      value?: unknown;
      headers?: unknown;
      partition?: unknown;
    };
    const out: SerializedKafkaRecord = {
      value: encode(record.value),
      headers: (typeof record.headers === 'object' && record.headers !== null
        ? { ...record.headers }
        : {}) as SerializedKafkaRecord['headers'],
    };
    if (record.key !== undefined && record.key !== null) out.key = encode(record.key);
    if (typeof record.partition === 'number') out.partition = record.partition;
    return out;
  }
}
