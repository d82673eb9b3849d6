import { SetMetadata } from '@nestjs/common';
import type { AvroSchema } from '../../core/avro.js';
import { KafkaModuleError } from '../kafka-module.error.js';
import type { HandlerOptions } from '../../core/consumer/failure/failure-config.js';
import type { TransactionalHandlerOptions } from '../../core/consumer/transactional/transactional-options.js';
import { KAFKA_HANDLER_METADATA } from '../kafka.constants.js';
import { checkGroupOption, failureMetadata } from './check-group-option.js';

/** Options of {@link KafkaHandler}. */
export interface KafkaHandlerOptions extends HandlerOptions {
  /** Name of the consumer group (a key of `consumerGroups` in the module options). */
  group: string;
  /**
   * Handle only this topic of the group. A group reading several topics can have one handler per
   * topic plus at most one without `topic` (the catch-all for the others); every topic of the
   * group needs a handler. Default: every topic.
   */
  topic?: string;
  /**
   * Avro schema of the payload. When given, the payload (the positional first argument, or
   * `@Payload()`) is the decoded event instead of the message (or of the JSON value); a payload
   * that does not decode fails the handler with an `AvroCodecError` (positional) or a
   * `NonRetryableError` (`@Payload()`). In a group with a schema registry it is the reader
   * schema: each record is read by the id it carries and resolved into it.
   */
  schema?: AvroSchema;
  /**
   * Makes this a consume-transform-produce handler (docs/exactly-once.md): it sends its output
   * with `currentTransaction()`, and that output commits with the offsets of the records it
   * handled, in one transaction per input partition. The decorator's `onError` applies inside
   * (retry, then `commit` or `stop`). The group's only handler: no `topic` routing beside it.
   */
  transaction?: Omit<TransactionalHandlerOptions, 'onError'>;
  // onError and handlerTimeoutMs (from HandlerOptions) override the group's for this handler.
}

/**
 * Makes the decorated provider method the single-message handler of a consumer group (or of one
 * of its topics, with `topic`). It runs through Nest's pipeline (guards, interceptors, pipes,
 * exception filters, with context type `'kafka'`). Without parameter decorators it is called
 * with `this` bound to the provider as `method(payload, workerId, message)`:
 * - `payload`: the decoded event when `schema` is set, else the `KafkaMessage` itself;
 * - `workerId`: the id (1..numWorkers) of the worker running the call;
 * - `message`: the `KafkaMessage` (topic, partition, offset, key, headers, requestId).
 *
 * With parameter decorators (`@Payload()`, `@KafkaCtx()`, `@Message()`, `@Header(name)`,
 * `@Headers()`, `@WorkerId()`) each parameter gets what its decorator names.
 *
 * The message is committed once the returned promise settles; when it rejects, `onError`
 * (default: the group's) decides (README, "When a handler fails").
 */
export function KafkaHandler(options: KafkaHandlerOptions): MethodDecorator {
  checkGroupOption('@KafkaHandler', options);
  const topic: unknown = options.topic;
  if (topic !== undefined && (typeof topic !== 'string' || topic.trim() === '')) {
    throw new KafkaModuleError([`@KafkaHandler({ group: '${options.group}', topic }) needs topic to be a non-empty string when given`]);
  }
  const transaction: unknown = options.transaction;
  if (transaction !== undefined && (typeof transaction !== 'object' || transaction === null || Array.isArray(transaction))) {
    throw new KafkaModuleError([
      `@KafkaHandler({ group: '${options.group}', transaction }) needs transaction to be an object ({ output: { topic } , ... })`,
    ]);
  }
  return SetMetadata(KAFKA_HANDLER_METADATA, {
    group: options.group,
    topic: options.topic,
    schema: options.schema,
    transaction: options.transaction,
    ...failureMetadata(options),
  });
}
