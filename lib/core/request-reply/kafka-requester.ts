import type { ConnectionConfig } from '../config/connection.js';
import type { ConsumerGroupConfig } from '../config/consumer.js';
import type { ProducerConfig } from '../config/producer.js';
import type { KafkaConsumerGroup } from '../consumer/kafka-consumer-group.js';
import type { KafkaError } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { REPLY_HEADERS, defaultReplyTopic } from './reply-headers.js';
import { RemoteHandlerError } from './request-reply-errors.js';
import { RequestReplyClient } from './request-reply-client.js';
import type { TopicRecord } from './topic-producers.js';

/** Settings of a {@link KafkaRequester}. */
export interface KafkaRequesterConfig extends ConnectionConfig {
  /** The topics requests are sent to; each one's replies are read from `<topic>.reply`. */
  readonly topics: readonly string[];
  /** Consumer group of the reply consumer, shared by every instance of the requesting service. */
  readonly replyGroupName: string;
  /** How long `request()` waits for the reply (default 30 s), and `connect()` for reply partitions. */
  readonly requestTimeoutMs?: number;
  /** Producer settings (everything but the connection and the topic). */
  readonly producer?: Omit<ProducerConfig, 'topic' | keyof ConnectionConfig>;
  /** Reply consumer settings (everything but the connection, topics and group name). */
  readonly replyConsumer?: Omit<ConsumerGroupConfig, 'topic' | 'groupName' | keyof ConnectionConfig>;
}

/** One request for {@link KafkaRequester.request}. */
export interface KafkaRequest {
  /** The request body, sent as given (JSON text for a handler that expects an object). */
  readonly value: Buffer | string;
  /** The record key (partitioning and per-key ordering on the replier's side). */
  readonly key?: Buffer | string;
  /** Extra headers; the request-reply headers are added to them. */
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

/** Per-request options of {@link KafkaRequester.request}. */
export interface KafkaRequestOptions {
  /** Overrides the requester's `requestTimeoutMs` for this request. */
  readonly timeoutMs?: number;
}

/**
 * Request-reply in the module's own API, framework-free: `await requester.request(topic, { value })`
 * sends a request with the headers of `@nestjs/microservices` (so a `@MessagePattern` on the
 * built-in transport or on `KafkaChannelsServer`, or a `@KafkaHandler({ reply: true })`, answers
 * it) and resolves with the reply record. Built on the same client as `KafkaChannelsClient`: a
 * random correlation id per request, a reply partition per instance, no reply ever handed to
 * another caller.
 *
 * Fails with `RequestTimeoutError` (no reply in time), `RemoteHandlerError` (the handler failed),
 * `ReplyPartitionUnavailableError` (topic not listed in `topics`, no reply partition, or it moved
 * in a rebalance), `RequestClientClosedError`, or the producer's error when the request could not
 * be written.
 */
export class KafkaRequester {
  private readonly client: RequestReplyClient;

  constructor(config: KafkaRequesterConfig) {
    const { topics, ...rest } = config;
    this.client = new RequestReplyClient({ ...rest, replyTopics: topics.map(defaultReplyTopic) });
  }

  /** The reply consumer (after `connect()`): health, lag. */
  get replyGroup(): KafkaConsumerGroup | undefined {
    return this.client.replyGroup;
  }

  /** Starts the reply consumer; resolves once this instance holds a partition of every reply topic. */
  connect(): Promise<void> {
    return this.client.connect();
  }

  /**
   * Sends `request` to `topic` and resolves with its reply (the last one when the handler replies
   * with a stream). Never throws synchronously.
   */
  request(topic: string, request: KafkaRequest, options: KafkaRequestOptions = {}): Promise<KafkaMessage> {
    return new Promise<KafkaMessage>((resolve, reject) => {
      const record: TopicRecord = {
        value: request.value,
        ...(request.key === undefined ? {} : { key: request.key }),
        ...(request.headers ? { headers: request.headers } : {}),
      };
      this.client.request(
        topic,
        record,
        defaultReplyTopic(topic),
        {
          onReply: (reply) => {
            const last = reply.getHeader(REPLY_HEADERS.disposed) !== undefined;
            const error = reply.getHeader(REPLY_HEADERS.error);
            if (error !== undefined) {
              reject(new RemoteHandlerError(topic, reply.getHeader(REPLY_HEADERS.correlationId) ?? '', error));
              return true;
            }
            if (last) resolve(reply);
            return last;
          },
          onError: (error: KafkaError) => reject(error),
        },
        options.timeoutMs,
      );
    });
  }

  /** Fails the waiting requests, then closes the reply consumer and the producers. Idempotent. */
  close(): Promise<void> {
    return this.client.close();
  }
}
