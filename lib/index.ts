/**
 * nestjs-kafka-channels: the public API. The framework-free core comes first; the Nest layer
 * is exported from the same entry point.
 */
export * from './core/errors.js';
export * from './core/logger.js';
export * from './core/retry.js';
export * from './core/initialiser.js';
export * from './core/reachability.js';
export * from './core/error-stream.js';
export * from './core/error-iterator.js';
export * from './core/security.js';
export * from './core/admin/index.js';
export * from './core/config/connection.js';
export * from './core/avro.js';
export * from './core/request-context.js';
export * from './core/config/consumer.js';
export * from './core/message.js';
export * from './core/consumer/index.js';
export * from './core/config/producer.js';
export * from './core/producer/kafka-producer.js';
export * from './core/producer/output-stream.js';
export * from './core/producer/record-size.js';
export * from './core/config/env.js';
export * from './core/health/health-types.js';
export * from './core/health/status-rules.js';
export * from './core/health/health-checker.js';
export * from './core/health/checker-of.js';
export * from './core/health/owner-checkers.js';
export * from './core/health/consumer-lag.js';
export * from './core/health/hysteresis.js';
export * from './core/health/subscription.js';
export * from './nest/health/kafka-health-subscription.js';
export * from './nest/index.js';
