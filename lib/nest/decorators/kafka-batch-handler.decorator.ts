import { SetMetadata } from '@nestjs/common';
import type { HandlerOptions } from '../../core/consumer/failure/failure-config.js';
import { KAFKA_BATCH_HANDLER_METADATA } from '../kafka.constants.js';
import { checkGroupOption, failureMetadata } from './check-group-option.js';

/** Options of {@link KafkaBatchHandler}. */
export interface KafkaBatchHandlerOptions extends HandlerOptions {
  /** Name of the consumer group (a key of `consumerGroups` in the module options). */
  group: string;
}

/**
 * Makes the decorated provider method the batch handler of a consumer group. It is called with
 * `this` bound to the provider as `method(messages)`, where `messages` is a `KafkaMessage[]` of
 * up to the group's `batchSize`, collected for at most its `batchWaitTime`. The batch is
 * committed once the returned promise settles; when it rejects, `onError` (default: the group's)
 * decides (README, "When a handler fails").
 */
export function KafkaBatchHandler(options: KafkaBatchHandlerOptions): MethodDecorator {
  checkGroupOption('@KafkaBatchHandler', options);
  return SetMetadata(KAFKA_BATCH_HANDLER_METADATA, {
    group: options.group,
    ...failureMetadata(options),
  });
}
