import { Partitioners, type Kafka } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import type { ResolvedProducerConfig } from '../config/producer.js';
import type { ProducerSink } from './topic-batch-sender.js';

/** The kafkajs client of a producer config: its brokers, client id, TLS/SASL and logger. */
export function kafkaClientFor(config: ResolvedProducerConfig): Kafka {
  return createKafkaClient(config, config.logger);
}

/** A kafkajs producer on `kafka` with dp-kafka's partitioning, idempotence and retry settings. */
export function kafkaJsProducerFor(kafka: Kafka, config: ResolvedProducerConfig): ProducerSink {
  return kafka.producer({
    // Java-compatible murmur2 on the key: records with one key stay on one partition, in order.
    // Passing it explicitly also silences kafkajs' partitioner-change warning.
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: config.idempotent,
    // kafkajs defaults differ from dp-kafka's (5 retries, 300 ms): set them explicitly.
    retry: { retries: config.retryMax, initialRetryTime: config.retryBackoff },
    allowAutoTopicCreation: true,
  });
}
