import type { KafkaMessage } from '../../message.js';

/**
 * Header names on records the group forwards after a failure (to a retry topic or a dead-letter
 * topic). The `kafka_dlt-*` and `retry_topic-*` names and their byte formats are Spring for Apache
 * Kafka's, so Java and Node services can read each other's dead letters; the `kcn-*` ones are ours
 * (Spring has no first-failure time or consumer-side attempt count for in-place retries).
 */
export const FAILURE_HEADERS = {
  /** UTF-8 topic the record was first read from. */
  originalTopic: 'kafka_dlt-original-topic',
  /** 4-byte big-endian partition. */
  originalPartition: 'kafka_dlt-original-partition',
  /** 8-byte big-endian offset. */
  originalOffset: 'kafka_dlt-original-offset',
  /** 8-byte big-endian record timestamp, ms. */
  originalTimestamp: 'kafka_dlt-original-timestamp',
  /** UTF-8 `CreateTime` (what kafkajs reports). */
  originalTimestampType: 'kafka_dlt-original-timestamp-type',
  /** UTF-8 consumer group name. */
  originalConsumerGroup: 'kafka_dlt-original-consumer-group',
  /** UTF-8 error class name (`err.name`, e.g. `AvroCodecError`). */
  exceptionClass: 'kafka_dlt-exception-fqcn',
  /** UTF-8 class name of the error's cause, when it has one. */
  exceptionCauseClass: 'kafka_dlt-exception-cause-fqcn',
  /** UTF-8 error message (truncated). */
  exceptionMessage: 'kafka_dlt-exception-message',
  /** UTF-8 stack (truncated). */
  exceptionStacktrace: 'kafka_dlt-exception-stacktrace',
  /** 4-byte big-endian count of deliveries so far, the first one included (Spring's meaning). */
  attempts: 'retry_topic-attempts',
  /** Big-endian signed integer: ms since the epoch when a retry-topic record is due. */
  backoffTimestamp: 'retry_topic-backoff-timestamp',
  /** Big-endian signed integer: the original record's timestamp, ms. */
  retryOriginalTimestamp: 'retry_topic-original-timestamp',
  /** UTF-8 decimal ms since the epoch of the first failure. */
  firstFailure: 'kcn-first-failure-timestamp',
  /** UTF-8 decimal ms since the epoch of the latest failure. */
  lastFailure: 'kcn-last-failure-timestamp',
} as const;

/** Longest error message and stack written to a header, in characters. */
export const MAX_ERROR_TEXT = 4_096;

/** A 4-byte big-endian integer (Java's `ByteBuffer.putInt`). */
export function encodeInt32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

/** An 8-byte big-endian integer (Java's `ByteBuffer.putLong`); offsets are 64-bit, hence bigint. */
export function encodeInt64(value: bigint | number | string): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(value));
  return bytes;
}

/**
 * Reads a big-endian signed integer of any length from 1 to 8 bytes: Spring writes some of these
 * headers as fixed 4- or 8-byte values and others as `BigInteger.toByteArray()` (shortest form),
 * so both are accepted. A string of decimal digits (a header written by hand) is accepted too.
 * Returns `undefined` for anything else.
 */
export function decodeInteger(value: Buffer | string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? BigInt(value) : undefined;
  if (value.length === 0 || value.length > 8) return undefined;
  let result = 0n;
  for (const byte of value) result = (result << 8n) | BigInt(byte);
  const bits = BigInt(value.length * 8);
  // Two's complement: a set top bit makes the value negative.
  return value[0]! & 0x80 ? result - (1n << bits) : result;
}

/** What the failure headers of a forwarded record say (absent fields were not present or unreadable). */
export interface FailureHeaderInfo {
  readonly originalTopic?: string;
  readonly originalPartition?: number;
  readonly originalOffset?: string;
  readonly originalTimestamp?: number;
  readonly originalConsumerGroup?: string;
  /**
   * `retry_topic-attempts`, Spring's count: which delivery this record is (2 in the first retry topic
   * or on a dead letter from the original topic; a first delivery carries no header).
   */
  readonly attempts?: number;
  /** When a retry-topic record is due, ms since the epoch. */
  readonly dueAt?: number;
  readonly firstFailureAt?: number;
  readonly lastFailureAt?: number;
  readonly errorClass?: string;
  readonly errorMessage?: string;
}

/** Reads the failure headers of a record (a retry-topic or dead-letter record). */
export function readFailureHeaders(message: KafkaMessage): FailureHeaderInfo {
  const headers = message.headers;
  const text = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : value.toString();
  };
  const integer = (name: string) => {
    const value = decodeInteger(headers[name]);
    return value === undefined ? undefined : Number(value);
  };
  const decimal = (name: string) => {
    const value = text(name);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const offset = decodeInteger(headers[FAILURE_HEADERS.originalOffset]);
  return {
    originalTopic: text(FAILURE_HEADERS.originalTopic),
    originalPartition: integer(FAILURE_HEADERS.originalPartition),
    originalOffset: offset === undefined ? undefined : offset.toString(),
    originalTimestamp: integer(FAILURE_HEADERS.originalTimestamp),
    originalConsumerGroup: text(FAILURE_HEADERS.originalConsumerGroup),
    attempts: integer(FAILURE_HEADERS.attempts),
    dueAt: integer(FAILURE_HEADERS.backoffTimestamp),
    firstFailureAt: decimal(FAILURE_HEADERS.firstFailure),
    lastFailureAt: decimal(FAILURE_HEADERS.lastFailure),
    errorClass: text(FAILURE_HEADERS.exceptionClass),
    errorMessage: text(FAILURE_HEADERS.exceptionMessage),
  };
}
