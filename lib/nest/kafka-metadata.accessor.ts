import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AvroSchema } from '../core/avro.js';
import type { HandlerOptions } from '../core/consumer/failure/failure-config.js';
import type { TransactionalHandlerOptions } from '../core/consumer/transactional/transactional-options.js';
import { KAFKA_BATCH_HANDLER_METADATA, KAFKA_HANDLER_METADATA } from './kafka.constants.js';

/** What a handler decorator recorded on one method. */
export interface KafkaHandlerMetadata {
  readonly kind: 'message' | 'batch';
  readonly group: string;
  /** Only this topic of the group (message handlers); none = every topic without its own handler. */
  readonly topic?: string;
  readonly schema?: AvroSchema;
  /** The decorator's `onError` / `handlerTimeoutMs`, when set. */
  readonly failure?: HandlerOptions;
  /** `@KafkaHandler`'s `transaction` (consume-transform-produce), when set. */
  readonly transaction?: Omit<TransactionalHandlerOptions, 'onError'>;
}

/** Owns every read of the handler decorators' metadata, so the explorer stays readable. */
@Injectable()
export class KafkaMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  /** The handler metadata of each decorator on `method` (none, one, or both when misused). */
  getHandlerMetadata(method: unknown): KafkaHandlerMetadata[] {
    if (typeof method !== 'function') return [];
    const found: KafkaHandlerMetadata[] = [];
    const single = this.reflector.get<Pick<KafkaHandlerMetadata, 'group' | 'topic' | 'schema' | 'failure' | 'transaction'> | undefined>(
      KAFKA_HANDLER_METADATA,
      method,
    );
    if (single)
      found.push(
        defined({
          kind: 'message',
          group: single.group,
          topic: single.topic,
          schema: single.schema,
          failure: single.failure,
          transaction: single.transaction,
        }),
      );
    const batch = this.reflector.get<{ group: string; schema?: AvroSchema; failure?: HandlerOptions } | undefined>(
      KAFKA_BATCH_HANDLER_METADATA,
      method,
    );
    if (batch) found.push(defined({ kind: 'batch', group: batch.group, schema: batch.schema, failure: batch.failure }));
    return found;
  }
}

// Options left out stay out (no `topic: undefined` keys).
function defined(meta: KafkaHandlerMetadata): KafkaHandlerMetadata {
  return Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined)) as unknown as KafkaHandlerMetadata;
}
