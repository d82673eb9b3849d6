import { Injectable, Logger } from '@nestjs/common';
import { InjectProducer, KafkaHandler, type KafkaMessage, type KafkaProducer } from '../../lib/index.js';
import { SAMPLE_EVENT_SCHEMA, type SampleEvent } from './event.schema.js';
import { EventsStore } from './events.store.js';

/** Consumes the events topic one message at a time and writes an audit record for each. */
@Injectable()
export class EventsHandler {
  private readonly logger = new Logger(EventsHandler.name);

  constructor(
    private readonly store: EventsStore,
    @InjectProducer('audit') private readonly audit: KafkaProducer,
  ) {}

  /** With `schema`, the first argument is the decoded event; the message gives headers etc. */
  @KafkaHandler({ group: 'events', schema: SAMPLE_EVENT_SCHEMA })
  async onEvent(event: SampleEvent, workerId: number, message: KafkaMessage): Promise<void> {
    this.store.addEvent(event, workerId);
    this.logger.log(`event ${event.id} consumed by worker ${workerId} (offset ${message.offset})`);
    await this.audit.sendJSON({ eventId: event.id, consumedAt: new Date().toISOString() });
  }
}
