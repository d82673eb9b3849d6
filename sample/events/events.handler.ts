import { Injectable, UseInterceptors, UsePipes, ValidationPipe } from '@nestjs/common';
import { InjectProducer, KafkaHandler, Payload, WorkerId, type KafkaProducer } from '../../lib/index.js';
import { SAMPLE_EVENT_SCHEMA } from './event.schema.js';
import { EventsStore } from './events.store.js';
import { KafkaLoggingInterceptor } from './kafka-logging.interceptor.js';
import { SampleEventDto } from './sample-event.dto.js';

/**
 * Consumes the events topic one message at a time and writes an audit record for each. Runs
 * through Nest's pipeline: the interceptor logs each record, `ValidationPipe` checks the decoded
 * event against its DTO (an invalid one is a non-retryable error, never retried).
 */
@Injectable()
@UseInterceptors(KafkaLoggingInterceptor)
export class EventsHandler {
  constructor(
    private readonly store: EventsStore,
    @InjectProducer('audit') private readonly audit: KafkaProducer,
  ) {}

  /** With `schema`, `@Payload()` is the decoded Avro event. */
  @KafkaHandler({ group: 'events', schema: SAMPLE_EVENT_SCHEMA })
  @UsePipes(new ValidationPipe({ transform: true }))
  async onEvent(@Payload() event: SampleEventDto, @WorkerId() workerId: number): Promise<void> {
    this.store.addEvent(event, workerId);
    await this.audit.sendJSON({ eventId: event.id, consumedAt: new Date().toISOString() });
  }
}
