import { DEFAULT_KAFKA_NAME } from './kafka.constants.js';

/**
 * Injection token of the named core `KafkaProducer`. The name is part of the token text, so
 * Nest's "can't resolve dependencies" error names the missing producer.
 */
export function getProducerToken(name: string = DEFAULT_KAFKA_NAME): string {
  return `KafkaProducer:${name}`;
}

/** Injection token of the named core `KafkaConsumerGroup`. */
export function getConsumerGroupToken(name: string = DEFAULT_KAFKA_NAME): string {
  return `KafkaConsumerGroup:${name}`;
}

/**
 * Injection token of the module's `SchemaRegistry` client (from the `schemaRegistry` module option).
 * Resolves to `null` when the module has no `schemaRegistry` option.
 */
export function getSchemaRegistryToken(name: string = DEFAULT_KAFKA_NAME): string {
  return `SchemaRegistry:${name}`;
}
