import { SetMetadata } from '@nestjs/common';
import type { AvroSchema } from '../../core/avro.js';
import type { HandlerOptions } from '../../core/consumer/failure/failure-config.js';
import { KAFKA_HANDLER_METADATA } from '../kafka.constants.js';
import { checkGroupOption, failureMetadata } from './check-group-option.js';

/** Options of {@link KafkaHandler}. */
export interface KafkaHandlerOptions extends HandlerOptions {
  /** Name of the consumer group (a key of `consumerGroups` in the module options). */
  group: string;
  /**
   * Avro schema of the payload. When given, the method's first argument is the decoded event
   * instead of the message; a payload that does not decode fails the handler with an
   * `AvroCodecError` (reported on the group's error stream like any handler error).
   */
  schema?: AvroSchema;
  // onError and handlerTimeoutMs (from HandlerOptions) override the group's for this handler.
}

/**
 * Makes the decorated provider method the single-message handler of a consumer group. It is
 * called with `this` bound to the provider as
 * `method(payload, workerId, message)`:
 * - `payload`: the decoded event when `schema` is set, else the `KafkaMessage` itself;
 * - `workerId`: the id (1..numWorkers) of the worker running the call;
 * - `message`: the `KafkaMessage` (topic, partition, offset, key, headers, requestId).
 *
 * The message is committed once the returned promise settles; when it rejects, `onError`
 * (default: the group's) decides (README, "When a handler fails"). A group takes exactly one
 * handler: `@KafkaHandler` or `@KafkaBatchHandler`, never both, never two.
 */
export function KafkaHandler(options: KafkaHandlerOptions): MethodDecorator {
  checkGroupOption('@KafkaHandler', options);
  return SetMetadata(KAFKA_HANDLER_METADATA, {
    group: options.group,
    schema: options.schema,
    ...failureMetadata(options),
  });
}
