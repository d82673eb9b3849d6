import type { ConsumerGroupConfig } from '../core/config/consumer.js';
import { KafkaConsumerGroup } from '../core/consumer/kafka-consumer-group.js';
import type { ProducerConfig } from '../core/config/producer.js';
import { KafkaProducer } from '../core/producer/kafka-producer.js';

/**
 * Builds the clients of a `KafkaModule` from their resolved per-client configs. The module uses
 * {@link kafkajsClientFactory}; the test kit provides an in-memory one under
 * {@link KAFKA_CLIENT_FACTORY}, so an app runs unchanged on in-memory clients.
 */
export interface KafkaClientFactory {
  /** A producer for `config`; must not touch the network synchronously. */
  createProducer(config: ProducerConfig): KafkaProducer;
  /** A consumer group for `config`; must not touch the network synchronously. */
  createConsumerGroup(config: ConsumerGroupConfig): KafkaConsumerGroup;
}

/** Injection token of the module's {@link KafkaClientFactory} (override it in tests). */
export const KAFKA_CLIENT_FACTORY = 'nestjs-kafka-channels:client-factory';

/** The production factory: core clients over kafkajs. */
export const kafkajsClientFactory: KafkaClientFactory = Object.freeze({
  createProducer: (config: ProducerConfig) => new KafkaProducer(config),
  createConsumerGroup: (config: ConsumerGroupConfig) => new KafkaConsumerGroup(config),
});
