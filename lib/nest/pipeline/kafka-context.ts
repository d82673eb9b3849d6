import type { ArgumentsHost } from '@nestjs/common';
import { KafkaError } from '../../core/errors.js';
import type { KafkaMessage } from '../../core/message.js';

/** What `host.getType()` returns in guards, interceptors, pipes and filters around a Kafka handler. */
export const KAFKA_CONTEXT_TYPE = 'kafka';

/**
 * The context of one record handled by a `@KafkaHandler` method: what
 * `host.switchToRpc().getContext()` returns (`getData()` is the {@link KafkaMessage}) and what
 * `@KafkaCtx()` injects. Read-only views over the message.
 */
export class KafkaContext {
  constructor(
    /** The record. */
    readonly message: KafkaMessage,
    /** Id (1..numWorkers) of the worker running the handler. */
    readonly workerId: number,
    /** Name of the consumer group (its key in the module's `consumerGroups`). */
    readonly group: string,
  ) {}

  /** Topic the record was read from. */
  get topic(): string {
    return this.message.topic;
  }

  /** Partition the record was read from. */
  get partition(): number {
    return this.message.partition;
  }

  /** Offset of the record, a decimal string. */
  get offset(): string {
    return this.message.offset;
  }

  /** Record key bytes, if any. */
  get key(): Buffer | null {
    return this.message.key;
  }

  /** Headers (a repeated header keeps its first value). */
  get headers(): Readonly<Record<string, Buffer | string | undefined>> {
    return this.message.headers;
  }
}

/**
 * The context of one batch handled by a `@KafkaBatchHandler` method: what
 * `host.switchToRpc().getContext()` returns (`getData()` is the `KafkaMessage[]`) and what
 * `@KafkaCtx()` injects there.
 */
export class KafkaBatchContext {
  constructor(
    /** The records of the batch, each partition in order. */
    readonly messages: readonly KafkaMessage[],
    /** Name of the consumer group (its key in the module's `consumerGroups`). */
    readonly group: string,
  ) {}
}

/** `host` is not around a Kafka handler. */
export class NotKafkaContextError extends KafkaError {}

/**
 * The {@link KafkaContext} (or {@link KafkaBatchContext}) of a guard's, interceptor's or
 * filter's `host`.
 *
 * @throws NotKafkaContextError when `host.getType()` is not `'kafka'`
 * @example
 * ```ts
 * intercept(context: ExecutionContext, next: CallHandler) {
 *   const { topic, offset } = kafkaContextOf(context) as KafkaContext;
 * }
 * ```
 */
export function kafkaContextOf(host: ArgumentsHost): KafkaContext | KafkaBatchContext {
  const context: unknown = host.getType<string>() === KAFKA_CONTEXT_TYPE ? host.switchToRpc().getContext() : undefined;
  if (!(context instanceof KafkaContext) && !(context instanceof KafkaBatchContext)) {
    throw new NotKafkaContextError(`not a Kafka handler's context (host type "${host.getType<string>()}")`);
  }
  return context;
}
