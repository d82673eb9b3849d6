import type { Deserializer } from '@nestjs/microservices';
import { REPLY_HEADERS } from '../../core/request-reply/reply-headers.js';

/** What {@link KafkaRequestRecordDeserializer} returns: the handler's pattern and payload. */
export interface DeserializedRequest {
  /** The pattern: the topic the record was first read from. */
  readonly pattern: string | undefined;
  /** The payload: the parsed value (the whole parsed record when it has no value). */
  readonly data: unknown;
}

/** What {@link KafkaReplyRecordDeserializer} returns for one reply. */
export interface DeserializedReply {
  /** The correlation id of the request it answers. */
  readonly id: string;
  /** The reply's value, when the handler did not fail. */
  readonly response?: unknown;
  /** The handler's error (as the replier wrote it), when it failed. */
  readonly err?: unknown;
  /** Whether this is the request's last reply. */
  readonly isDisposed: boolean;
}

function field(record: unknown, name: string): unknown {
  return typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[name] : undefined;
}

/**
 * The default deserializer of {@link KafkaChannelsServer}, with the built-in Kafka transport's
 * rules (its `KafkaRequestDeserializer`, which `@nestjs/microservices` 11 does not export): the
 * pattern is the topic, the payload the parsed value. A record that already is a
 * `{ pattern, data }` packet is taken as it is.
 */
export class KafkaRequestRecordDeserializer implements Deserializer<unknown, DeserializedRequest> {
  /** Maps a parsed record to `{ pattern, data }`. */
  deserialize(record: unknown, options?: Record<string, unknown>): DeserializedRequest {
    if (record && (field(record, 'pattern') !== undefined || field(record, 'data') !== undefined)) return record as DeserializedRequest;
    if (!options) return { pattern: undefined, data: undefined };
    const channel = options['channel'];
    return { pattern: typeof channel === 'string' ? channel : undefined, data: field(record, 'value') ?? record };
  }
}

/**
 * The default reply deserializer of {@link KafkaChannelsClient}, with the built-in client's rules
 * (its `KafkaResponseDeserializer`): the correlation id from `kafka_correlationId`, an error from
 * `kafka_nest-err` (then the reply is the last), the last-reply mark from `kafka_nest-is-disposed`.
 */
export class KafkaReplyRecordDeserializer implements Deserializer<unknown, DeserializedReply> {
  /** Maps a parsed reply record to `{ id, response | err, isDisposed }`. */
  deserialize(record: unknown): DeserializedReply {
    const headers = (field(record, 'headers') ?? {}) as Record<string, unknown>;
    const id = String(headers[REPLY_HEADERS.correlationId] as string);
    if (headers[REPLY_HEADERS.error] !== undefined) return { id, err: headers[REPLY_HEADERS.error], isDisposed: true };
    const response = field(record, 'value');
    return { id, response, isDisposed: headers[REPLY_HEADERS.disposed] !== undefined };
  }
}
