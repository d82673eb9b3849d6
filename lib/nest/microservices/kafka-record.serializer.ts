import type { Serializer } from '@nestjs/microservices';

/** The record a serializer of this transport returns: kafkajs' message shape. */
export interface SerializedKafkaRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers: Record<string, Buffer | string | undefined>;
  partition?: number;
}

function encode(value: unknown): Buffer | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value !== 'object') return String(value);
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
  // An object that defines its own toString (a Date, a class with a text form) is sent as that text.
  if (!plain && (value as { toString: () => string }).toString !== Object.prototype.toString) return String(value);
  return JSON.stringify(value);
}

/**
 * The default serializer of {@link KafkaChannelsServer} replies and {@link KafkaChannelsClient}
 * requests and events, with the built-in Kafka transport's rules: a value that is not already
 * `{ key?, value, headers? }` becomes the record's value; objects and arrays are written as JSON,
 * strings and Buffers as they are, `undefined` as no value; `headers` defaults to `{}`.
 */
export class KafkaRecordSerializer implements Serializer<unknown, SerializedKafkaRecord> {
  serialize(input: unknown): SerializedKafkaRecord {
    const isRecord = typeof input === 'object' && input !== null && ('key' in input || 'value' in input);
    const record = (isRecord ? { ...input } : { value: input }) as { key?: unknown; value?: unknown; headers?: unknown; partition?: unknown };
    const out: SerializedKafkaRecord = {
      value: encode(record.value),
      headers: (typeof record.headers === 'object' && record.headers !== null ? { ...record.headers } : {}) as SerializedKafkaRecord['headers'],
    };
    if (record.key !== undefined && record.key !== null) out.key = encode(record.key);
    if (typeof record.partition === 'number') out.partition = record.partition;
    return out;
  }
}
