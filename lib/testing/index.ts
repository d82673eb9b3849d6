/**
 * nestjs-kafka-channels/testing: test doubles that run the library's real code. Messages built
 * by {@link createTestMessage} are real `KafkaMessage`s; {@link InMemoryProducer} and
 * {@link InMemoryConsumerGroup} are the real producer and consumer group over an in-memory
 * {@link InMemoryBroker}; `KafkaTestingModule` swaps them into a Nest app.
 */
export * from './test-message.js';
export type { TestPayload, TestRecordOptions, TestRecordInput } from './test-record.js';
export * from './in-memory-broker.js';
export { IN_MEMORY_BROKERS, DEFAULT_TEST_WAIT_TIMEOUT } from './in-memory-config.js';
export * from './in-memory-transport.js';
export * from './in-memory-consumer-group.js';
export type { SentRecord } from './in-memory-producer-sink.js';
export { InMemoryProducerSink } from './in-memory-producer-sink.js';
export * from './in-memory-producer.js';
export * from './in-memory-kafka.js';
export * from './nest/kafka-testing.module.js';
export * from './nest/in-memory-clients.js';
