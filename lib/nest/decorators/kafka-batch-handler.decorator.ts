import { SetMetadata } from '@nestjs/common';
import type { AvroSchema } from '../../core/avro.js';
import type { HandlerOptions } from '../../core/consumer/failure/failure-config.js';
import { KAFKA_BATCH_HANDLER_METADATA } from '../kafka.constants.js';
import { checkGroupOption, failureMetadata } from './check-group-option.js';

/** Options of {@link KafkaBatchHandler}. */
export interface KafkaBatchHandlerOptions extends HandlerOptions {
  /** Name of the consumer group (a key of `consumerGroups` in the module options). */
  group: string;
  /**
   * Avro schema of the payloads: `@Payload()` is then the array of decoded events (without it, of
   * the values parsed as JSON; in a registry group, of the writers' events). The positional
   * `messages` argument is unchanged.
   */
  schema?: AvroSchema;
}

/**
 * Makes the decorated provider method the batch handler of a consumer group. Without parameter
 * decorators it is called with `this` bound to the provider as `method(messages)`, where
 * `messages` is a `KafkaMessage[]` of up to the group's `batchSize`, collected for at most its
 * `batchWaitTime`; with them, `@Payload()` is the decoded array, `@Message()` the messages and
 * `@KafkaCtx()` a `KafkaBatchContext`. Guards, interceptors, pipes and filters apply as for
 * `@KafkaHandler` (a guard returning false skips the whole batch). The batch is committed once
 * the returned promise settles; when it rejects, `onError` (default: the group's) decides (README,
 * "When a handler fails"). A group with a batch handler has no other handler.
 */
export function KafkaBatchHandler(options: KafkaBatchHandlerOptions): MethodDecorator {
  checkGroupOption('@KafkaBatchHandler', options);
  return SetMetadata(KAFKA_BATCH_HANDLER_METADATA, { group: options.group, schema: options.schema, ...failureMetadata(options) });
}
