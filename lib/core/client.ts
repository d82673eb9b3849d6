import { Kafka, type KafkaConfig } from 'kafkajs';
import { CONNECTION_DEFAULTS, type ConnectionConfig } from './config/connection.js';
import { kafkaJsLogCreator, toKafkaJsLogLevel, type KafkaLogger } from './logger.js';
import { toKafkaJsSecurity } from './security.js';

/**
 * Creates the kafkajs client for a producer, consumer group or admin. Creating it never touches
 * the network; kafkajs connects lazily.
 *
 * @param overrides - client-wide kafkajs settings a caller needs beyond the connection config
 *   (e.g. the admin's `retry`, which kafkajs also applies to connecting)
 */
export function createKafkaClient(
  config: ConnectionConfig,
  logger: KafkaLogger,
  overrides: Pick<KafkaConfig, 'retry' | 'requestTimeout'> = {},
): Kafka {
  return new Kafka({
    clientId: config.clientId ?? CONNECTION_DEFAULTS.clientId,
    brokers: config.brokers.map((b) => b.trim()),
    connectionTimeout: config.connectionTimeout ?? CONNECTION_DEFAULTS.connectionTimeout,
    logLevel: toKafkaJsLogLevel(config.kafkaJsLogLevel ?? CONNECTION_DEFAULTS.kafkaJsLogLevel),
    logCreator: kafkaJsLogCreator(logger),
    ...toKafkaJsSecurity(config.security),
    ...overrides,
  });
}
