import type { Deserializer, Serializer } from '@nestjs/microservices';
import type { ConnectionConfig } from '../../core/config/connection.js';
import type { ConsumerGroupConfig } from '../../core/config/consumer.js';
import type { ProducerConfig } from '../../core/config/producer.js';

/** How consumed values are decoded before the deserializer sees them (the built-in transport's `parser`). */
export interface KafkaChannelsParserOptions {
  /** Hand the value to the deserializer as a Buffer instead of text or parsed JSON. */
  readonly keepBinary?: boolean;
}

/** Producer settings of the transport: a {@link ProducerConfig} without its connection and topic (topics come from patterns). */
export type KafkaChannelsProducerOptions = Omit<ProducerConfig, 'topic' | keyof ConnectionConfig>;

/** Options of {@link KafkaChannelsServer}. The connection fields (`brokers`, `clientId`, `security`, …) are the module's. */
export interface KafkaChannelsServerOptions extends ConnectionConfig {
  /**
   * The consumer group that runs every `@EventPattern` / `@MessagePattern` handler: the module's
   * {@link ConsumerGroupConfig} without connection fields and topics (the patterns are the
   * topics). `groupName` is used as written (no `-server` suffix).
   */
  readonly group: Omit<ConsumerGroupConfig, 'topic' | keyof ConnectionConfig>;
  /** Settings of the producers that write replies. */
  readonly producer?: KafkaChannelsProducerOptions;
  /** Turns replies into records; default {@link KafkaRecordSerializer} (the built-in rules). */
  readonly serializer?: Serializer<unknown, unknown>;
  /** Turns parsed records into `{ pattern, data }`; default {@link KafkaRequestRecordDeserializer} (the built-in rules). */
  readonly deserializer?: Deserializer<unknown, unknown>;
  /** How records are decoded before the deserializer. */
  readonly parser?: KafkaChannelsParserOptions;
}

/** Options of {@link KafkaChannelsClient}. The connection fields are the module's. */
export interface KafkaChannelsClientOptions extends ConnectionConfig {
  /**
   * Consumer group of the reply consumer, shared by every instance of the service (default
   * `nestjs-group-client`, the built-in client's default).
   */
  readonly replyGroupName?: string;
  /** How long `send()` waits for the last reply, and `connect()` for reply partitions (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Settings of the producers that write requests and events. */
  readonly producer?: KafkaChannelsProducerOptions;
  /** Settings of the reply consumer (the module's consumer group settings). */
  readonly replyConsumer?: Omit<ConsumerGroupConfig, 'topic' | 'groupName' | keyof ConnectionConfig>;
  /** Turns requests and events into records; default {@link KafkaRecordSerializer}. */
  readonly serializer?: Serializer<unknown, unknown>;
  /** Turns parsed replies into `{ id, response, err, isDisposed }`; default {@link KafkaReplyRecordDeserializer} (the built-in rules). */
  readonly deserializer?: Deserializer<unknown, unknown>;
  /** How replies are decoded before the deserializer. */
  readonly parser?: KafkaChannelsParserOptions;
}
