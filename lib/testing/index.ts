/**
 * `nestjs-kafka-channels/testing`: test doubles that run the library's real code. Messages built
 * by {@link createTestMessage} are real `KafkaMessage`s; {@link InMemoryProducer} and
 * {@link InMemoryConsumerGroup} are the real producer and consumer group over an in-memory
 * {@link InMemoryBroker}; {@link KafkaTestingModule} swaps them into a Nest app.
 *
 * @packageDocumentation
 */
import './nest-peers.js';

export { createTestMessage, DEFAULT_TEST_TOPIC } from './test-message.js';
export type { TestMessageInput } from './test-message.js';
export type { TestPayload, TestRecordOptions, TestRecordInput } from './test-record.js';
export { InMemoryBroker } from './in-memory-broker.js';
export type { InMemoryBrokerOptions, AppendListener } from './in-memory-broker.js';
export type { InMemoryTransaction, InMemoryTransactionState, InMemoryTransactionEnd } from './in-memory-transaction.js';
export type { StoredRecord } from './test-record.js';
export type { PartitionOffset } from '../core/consumer/offset-tracker.js';
export type { ConsumerIsolation } from '../core/config/consumer.js';
export { InMemoryConsumerGroup } from './in-memory-consumer-group.js';
export type { InMemoryConsumerGroupConfig, PushInput, PushOptions } from './in-memory-consumer-group.js';
export { InMemoryProducer } from './in-memory-producer.js';
export type { InMemoryProducerConfig } from './in-memory-producer.js';
export type { SentRecord } from './in-memory-producer-sink.js';
export { InMemoryKafka } from './in-memory-kafka.js';
export { InMemorySchemaRegistry } from './in-memory-schema-registry.js';
export type { InMemorySchemaRegistryOptions, InMemoryCompatibility } from './in-memory-schema-registry.js';
export { KafkaTestingModule } from './nest/kafka-testing.module.js';
export type { KafkaTestingModuleOptions, KafkaTestingModuleAsyncOptions } from './nest/kafka-testing.module.js';
export { getInMemoryProducer, getInMemoryConsumerGroup } from './nest/in-memory-clients.js';
export type { ProviderSource } from './nest/in-memory-clients.js';
