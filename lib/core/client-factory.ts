import type { ConsumerGroupConfig } from './config/consumer.js';
import type { ProducerConfig } from './config/producer.js';
import type { KafkaConsumerGroup } from './consumer/kafka-consumer-group.js';
import type { KafkaProducer } from './producer/kafka-producer.js';

/**
 * Builds producers and consumer groups from their per-client configs. The Nest module builds its
 * clients through one (core clients over kafkajs by default); the test kit's `InMemoryKafka` is
 * one too, so an app runs unchanged on in-memory clients.
 */
export interface KafkaClientFactory {
  /** A producer for `config`; must not touch the network synchronously. */
  createProducer(config: ProducerConfig): KafkaProducer;
  /** A consumer group for `config`; must not touch the network synchronously. */
  createConsumerGroup(config: ConsumerGroupConfig): KafkaConsumerGroup;
}
