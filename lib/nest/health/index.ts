/**
 * `nestjs-kafka-channels/health`: the Terminus indicator and `KafkaHealthModule`. A separate
 * entry point so that the root entry never loads `@nestjs/terminus`, an optional peer dependency.
 *
 * @packageDocumentation
 */
import './terminus-peers.js';

export { KafkaHealthIndicator } from './kafka.health-indicator.js';
export type { KafkaHealthTarget } from './kafka.health-indicator.js';
export { KafkaHealthModule } from './kafka-health.module.js';
export type { KafkaClientHealthSummary, SchemaRegistryHealthSummary } from './kafka-health.summary.js';
