import type { KafkaMessage } from '../../core/message.js';
import type { TopicRecord } from '../../core/request-reply/topic-producers.js';
import { InvalidMessageError } from '../../core/errors.js';

/** A consumed record in the shape `@nestjs/microservices`' Kafka parser and deserializers read (kafkajs' `eachMessage` message). */
export interface WireRecord {
  /** The topic it was read from. */
  readonly topic: string;
  /** Its partition. */
  readonly partition: number;
  /** Its offset (a decimal string). */
  readonly offset: string;
  /** Its timestamp, ms since the epoch (a decimal string). */
  readonly timestamp: string;
  /** The key bytes, or null. */
  readonly key: Buffer | null;
  /** The value bytes, or null. */
  readonly value: Buffer | null;
  /** The headers (text or bytes). */
  readonly headers: Record<string, Buffer | string | undefined>;
  /** Record attributes (always 0: the module has decoded the batch already). */
  readonly attributes: number;
  /** The value's size in bytes. */
  readonly size: number;
}

/** The kafkajs-shaped view of a consumed {@link KafkaMessage}. */
export function toWireRecord(message: KafkaMessage): WireRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    headers: { ...message.headers },
    attributes: 0,
    size: message.value?.length ?? 0,
  };
}

function bytes(topic: string, what: string, value: unknown): Buffer | string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new InvalidMessageError(topic, `the serializer returned a ${what} that is not a string or Buffer (${typeof value})`);
}

/** A serializer's output (kafkajs' message shape) as a record for the module's producers. */
export function toTopicRecord(topic: string, serialized: unknown): TopicRecord {
  if (typeof serialized !== 'object' || serialized === null) {
    throw new InvalidMessageError(topic, 'the serializer must return { key?, value, headers? }');
  }
  const { key, value, headers, partition } = serialized as { key?: unknown; value?: unknown; headers?: unknown; partition?: unknown };
  const outHeaders: Record<string, Buffer | string> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, header] of Object.entries(headers)) {
      const text = bytes(topic, `header ${name}`, header);
      if (text !== null) outHeaders[name] = text;
    }
  }
  const record: { -readonly [K in keyof TopicRecord]: TopicRecord[K] } = { value: bytes(topic, 'value', value), headers: outHeaders };
  const keyBytes = bytes(topic, 'key', key);
  if (keyBytes !== null) record.key = keyBytes;
  if (typeof partition === 'number') record.partition = partition;
  return record;
}
