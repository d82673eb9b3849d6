/**
 * `nestjs-kafka-channels`: the NestJS module (`KafkaModule`, handler decorators, injection
 * helpers) together with everything in `nestjs-kafka-channels/core`.
 *
 * Needs `@nestjs/common`, `@nestjs/core`, `reflect-metadata` and `rxjs`; without them this entry
 * throws a `MissingPeerDependencyError` that names what to install (`./core` needs none of them).
 * Terminus health is in `nestjs-kafka-channels/health`, the test kit in `nestjs-kafka-channels/testing`.
 *
 * @packageDocumentation
 */
import './nest/nest-peers.js';

export * from './core/index.js';
export { MissingPeerDependencyError } from './nest/peer-check.js';
export { KafkaModule } from './nest/kafka.module.js';
export type { KafkaModuleAsyncOptions, KafkaModuleSyncOptions } from './nest/kafka.module.js';
export type { KafkaModuleExtras } from './nest/kafka.module-definition.js';
export type {
  KafkaModuleOptions,
  KafkaProducerOptions,
  KafkaConsumerGroupOptions,
  KafkaSchemaRegistryOptions,
  KafkaProducerSchemaRegistryOptions,
  KafkaConsumerGroupSchemaRegistryOptions,
} from './nest/kafka-module.options.js';
export type { KafkaGroupHealthSubscription } from './nest/health/kafka-health-subscription.js';
export { KafkaModuleError } from './nest/kafka-module.error.js';
export { KafkaHandler, KafkaBatchHandler, InjectProducer, InjectConsumerGroup } from './nest/decorators/index.js';
export type { KafkaHandlerOptions, KafkaBatchHandlerOptions } from './nest/decorators/index.js';
export { Payload, KafkaCtx, Message, Header, Headers, WorkerId } from './nest/pipeline/kafka-param.decorators.js';
export {
  KafkaContext,
  KafkaBatchContext,
  KAFKA_CONTEXT_TYPE,
  kafkaContextOf,
  NotKafkaContextError,
} from './nest/pipeline/kafka-context.js';
export { KafkaHandlerStats } from './nest/pipeline/kafka-handler-stats.js';
export { getProducerToken, getConsumerGroupToken, getSchemaRegistryToken } from './nest/kafka.tokens.js';
export { DEFAULT_KAFKA_NAME } from './nest/kafka.constants.js';
export { KAFKA_CLIENT_FACTORY, kafkajsClientFactory } from './nest/kafka-client.factory.js';
export type { KafkaClientFactory } from './nest/kafka-client.factory.js';
