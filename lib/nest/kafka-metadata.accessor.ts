import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AvroSchema } from '../core/avro.js';
import type { HandlerOptions } from '../core/consumer/failure/failure-config.js';
import { KAFKA_BATCH_HANDLER_METADATA, KAFKA_HANDLER_METADATA } from './kafka.constants.js';

/** What a handler decorator recorded on one method. */
export type KafkaHandlerMetadata =
  | { readonly kind: 'message'; readonly group: string; readonly schema?: AvroSchema; readonly failure?: HandlerOptions }
  | { readonly kind: 'batch'; readonly group: string; readonly failure?: HandlerOptions };

/** Owns every read of the handler decorators' metadata, so the explorer stays readable. */
@Injectable()
export class KafkaMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  /** The handler metadata of each decorator on `method` (none, one, or both when misused). */
  getHandlerMetadata(method: unknown): KafkaHandlerMetadata[] {
    if (typeof method !== 'function') return [];
    const found: KafkaHandlerMetadata[] = [];
    const single = this.reflector.get<{ group: string; schema?: AvroSchema; failure?: HandlerOptions } | undefined>(
      KAFKA_HANDLER_METADATA,
      method,
    );
    if (single)
      found.push({ kind: 'message', group: single.group, schema: single.schema, ...(single.failure ? { failure: single.failure } : {}) });
    const batch = this.reflector.get<{ group: string; failure?: HandlerOptions } | undefined>(KAFKA_BATCH_HANDLER_METADATA, method);
    if (batch) found.push({ kind: 'batch', group: batch.group, ...(batch.failure ? { failure: batch.failure } : {}) });
    return found;
  }
}
