import type { Kafka } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import type { ResolvedProducerConfig } from '../config/producer.js';
import { installKafkaJsProduceEncoder } from './kafkajs-produce-encoder.js';
import { RecordingPartitioner } from './recording-partitioner.js';
import type { ProducerSink } from './topic-batch-sender.js';

/** The kafkajs client of a producer config: its brokers, client id, TLS/SASL and logger. */
export function kafkaClientFor(config: ResolvedProducerConfig): Kafka {
  return createKafkaClient(config, config.logger);
}

/**
 * A kafkajs producer on `kafka` with dp-kafka's partitioning, idempotence and retry settings, as
 * a sink that reports where each record went (see {@link RecordingPartitioner}). Its requests
 * are encoded by this module (see {@link installKafkaJsProduceEncoder}).
 */
export function kafkaJsProducerFor(kafka: Kafka, config: ResolvedProducerConfig): ProducerSink {
  installKafkaJsProduceEncoder();
  const partitioner = new RecordingPartitioner();
  const producer = kafka.producer({
    // kafkajs' Java-compatible murmur2 on the key (records with one key stay on one partition, in
    // order), recording each choice. Passing a partitioner also silences kafkajs' partitioner warning.
    createPartitioner: partitioner.createPartitioner,
    idempotent: config.idempotent,
    // kafkajs defaults differ from dp-kafka's (5 retries, 300 ms): set them explicitly.
    retry: { retries: config.retryMax, initialRetryTime: config.retryBackoff },
    allowAutoTopicCreation: true,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    sendBatch: (batch) => producer.sendBatch(batch),
    partitionCount: (topic) => partitioner.partitionCount(topic),
  };
}
