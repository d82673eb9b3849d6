import type { Message } from 'kafkajs';
import type { KafkaMessage, RawHeaderValue } from '../../message.js';
import { decodeInteger, encodeInt32, encodeInt64, FAILURE_HEADERS, MAX_ERROR_TEXT } from './failure-headers.js';
import { originalTopicOf } from './retry-topics.js';

/** Header values of a forwarded record (a repeated header keeps every value). */
export type ForwardHeaders = Record<string, Buffer | string | Array<Buffer | string>>;

/** What a forwarded record says about its failure. */
export interface ForwardFailure {
  readonly error: unknown;
  readonly groupName: string;
  /** When this record is forwarded (its latest failure), ms since the epoch. */
  readonly now: number;
  /**
   * When the handler first failed on this delivery, before any in-place retry, ms since the epoch.
   * Written only when the record carries no first-failure time yet. Default `now`.
   */
  readonly firstFailedAt?: number;
  /** Retry topics: when the record is due, ms since the epoch. Absent for a dead letter. */
  readonly dueAt?: number;
}

/**
 * The record sent to a retry or dead-letter topic: the failed record's key, value and headers
 * unchanged (`request-id` included, repeated headers with every value), plus the failure headers
 * (see {@link FAILURE_HEADERS}). The `kafka_dlt-original-*` headers and the first-failure time of
 * a record forwarded before are kept, so they always describe the first failure; the error
 * headers and last-failure time describe this one, and `retry_topic-attempts` is the number of
 * the delivery the forwarded record will be (2 on the first forward, as Spring writes it).
 */
export function forwardedRecord(message: KafkaMessage, failure: ForwardFailure): Message & { headers: ForwardHeaders } {
  const headers = copyHeaders(message);
  const has = (name: string) => Object.hasOwn(headers, name);
  if (!has(FAILURE_HEADERS.originalTopic)) {
    headers[FAILURE_HEADERS.originalTopic] = originalTopicOf(message);
    headers[FAILURE_HEADERS.originalPartition] = encodeInt32(message.partition);
    headers[FAILURE_HEADERS.originalOffset] = encodeInt64(message.offset);
    if (/^\d+$/.test(message.timestamp)) {
      headers[FAILURE_HEADERS.originalTimestamp] = encodeInt64(message.timestamp);
      headers[FAILURE_HEADERS.originalTimestampType] = 'CreateTime';
    }
    headers[FAILURE_HEADERS.originalConsumerGroup] = failure.groupName;
  }
  if (!has(FAILURE_HEADERS.retryOriginalTimestamp) && /^\d+$/.test(message.timestamp)) {
    headers[FAILURE_HEADERS.retryOriginalTimestamp] = encodeInt64(message.timestamp);
  }
  const { error } = failure;
  headers[FAILURE_HEADERS.exceptionClass] = errorClass(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause !== undefined) headers[FAILURE_HEADERS.exceptionCauseClass] = errorClass(cause);
  else delete headers[FAILURE_HEADERS.exceptionCauseClass];
  headers[FAILURE_HEADERS.exceptionMessage] = truncate(error instanceof Error ? error.message : String(error));
  headers[FAILURE_HEADERS.exceptionStacktrace] = truncate(error instanceof Error ? (error.stack ?? error.message) : String(error));
  // Spring's meaning: the delivery the forwarded record will be (a first delivery, without the
  // header, counts as 1), so a Spring consumer of our retry topics picks the same next hop.
  const previous = decodeInteger(firstValue(headers[FAILURE_HEADERS.attempts]));
  headers[FAILURE_HEADERS.attempts] = encodeInt32(Number(previous ?? 1n) + 1);
  if (!has(FAILURE_HEADERS.firstFailure)) headers[FAILURE_HEADERS.firstFailure] = String(failure.firstFailedAt ?? failure.now);
  headers[FAILURE_HEADERS.lastFailure] = String(failure.now);
  if (failure.dueAt !== undefined) headers[FAILURE_HEADERS.backoffTimestamp] = encodeInt64(failure.dueAt);
  else delete headers[FAILURE_HEADERS.backoffTimestamp];
  return { key: message.key, value: message.value, headers };
}

function copyHeaders(message: KafkaMessage): ForwardHeaders {
  // KafkaMessage shows only the first value of a repeated header; the raw ones are forwarded.
  const raw = (message as unknown as { rawHeaders: Readonly<Record<string, RawHeaderValue>> | undefined }).rawHeaders;
  const out: ForwardHeaders = {};
  if (!raw) return out;
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? [...(value as ReadonlyArray<Buffer | string>)] : (value as Buffer | string);
  }
  return out;
}

function firstValue(value: Buffer | string | Array<Buffer | string> | undefined): Buffer | string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorClass(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_TEXT ? text.slice(0, MAX_ERROR_TEXT) : text;
}
