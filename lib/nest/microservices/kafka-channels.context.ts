import { KafkaContext } from '@nestjs/microservices';
import type { KafkaConsumerGroup } from '../../core/consumer/kafka-consumer-group.js';
import { KafkaError } from '../../core/errors.js';
import type { KafkaMessage } from '../../core/message.js';
import type { WireRecord } from './wire-record.js';

/** A {@link KafkaChannelsContext} accessor that this transport cannot offer safely was called. */
export class KafkaContextAccessError extends KafkaError {}

/** The parsed record a handler's context holds: the built-in transport's `getMessage()` shape. */
export type KafkaChannelsRecord = Omit<WireRecord, 'key' | 'value' | 'headers'> & {
  /** The key, decoded as the built-in parser does (text, or a Buffer for binary data). */
  readonly key: unknown;
  /** The value, decoded as the built-in parser does (JSON object, text, or a Buffer with `keepBinary`). */
  readonly value: unknown;
  /** The headers, decoded as text (or Buffers for binary data). */
  readonly headers: Record<string, unknown>;
};

/**
 * What `@Ctx()` gives a handler run by {@link KafkaChannelsServer}. It is a `KafkaContext` of
 * `@nestjs/microservices` (so handlers typed with it and `instanceof KafkaContext` keep working):
 * `getMessage()`, `getTopic()`, `getPartition()` and `getHeartbeat()` behave as there. The kafkajs
 * consumer and producer are the module's own and are not handed out: committing, pausing or
 * sending on them behind the module's back would break its commit and ordering rules, so
 * `getConsumer()` and `getProducer()` throw {@link KafkaContextAccessError}. Use
 * {@link KafkaChannelsContext.getConsumerGroup} (pause, resume, seek, lag) and
 * {@link KafkaChannelsContext.getKafkaMessage} instead.
 */
export class KafkaChannelsContext extends KafkaContext {
  constructor(
    record: KafkaChannelsRecord,
    private readonly message: KafkaMessage,
    private readonly group: KafkaConsumerGroup,
  ) {
    // The built-in context's argument list: message, partition, topic, consumer, heartbeat, producer.
    super([record as never, message.partition, message.topic, undefined as never, heartbeat, undefined as never]);
  }

  /** The consumed record as the module sees it (raw bytes, `headers`, `decode`, `json`, `requestId`). */
  getKafkaMessage(): KafkaMessage {
    return this.message;
  }

  /** The consumer group that delivered the record: `pause`, `resume`, `seek`, `lag`, `assignment`. */
  getConsumerGroup(): KafkaConsumerGroup {
    return this.group;
  }

  /** Not available: see the class description. Throws {@link KafkaContextAccessError}. */
  override getConsumer(): never {
    throw new KafkaContextAccessError(
      'getConsumer(): the kafkajs consumer belongs to nestjs-kafka-channels (it commits after handling); ' +
        'use getConsumerGroup() to pause, resume or seek',
      { topic: this.message.topic },
    );
  }

  /** Not available: see the class description. Throws {@link KafkaContextAccessError}. */
  override getProducer(): never {
    throw new KafkaContextAccessError(
      'getProducer(): the transport has no general-purpose producer; inject a KafkaProducer (KafkaModule) or a KafkaChannelsClient to send',
      { topic: this.message.topic },
    );
  }
}

/** The module heartbeats while a handler runs, so the handler's own heartbeat has nothing to do. */
async function heartbeat(): Promise<void> {}
