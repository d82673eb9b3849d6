import type { ConsumerGroupConfig } from '../core/config/consumer.js';
import { KafkaConsumerGroup } from '../core/consumer/kafka-consumer-group.js';
import type { ProducerConfig } from '../core/config/producer.js';
import { KafkaProducer } from '../core/producer/kafka-producer.js';
import type { KafkaClientFactory } from '../core/client-factory.js';

// The type lives in the core so that the test kit can implement it without the Nest layer.
export type { KafkaClientFactory } from '../core/client-factory.js';

/** Injection token of the module's {@link KafkaClientFactory} (override it in tests). */
export const KAFKA_CLIENT_FACTORY = 'nestjs-kafka-channels:client-factory';

/** The production factory: core clients over kafkajs. */
export const kafkajsClientFactory: KafkaClientFactory = Object.freeze({
  createProducer: (config: ProducerConfig) => new KafkaProducer(config),
  createConsumerGroup: (config: ConsumerGroupConfig) => new KafkaConsumerGroup(config),
});
