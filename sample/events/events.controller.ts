import { BadRequestException, Body, Controller, Get, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectProducer, KafkaProducer, ProducerNotInitialisedError } from '../../lib/index.js';
import { SAMPLE_EVENT_SCHEMA, type SampleEvent } from './event.schema.js';
import { EventsStore } from './events.store.js';

/** HTTP side of the sample: publish an event, read what was consumed. */
@Controller('events')
export class EventsController {
  constructor(
    private readonly store: EventsStore,
    @InjectProducer('events') private readonly producer: KafkaProducer,
  ) {}

  /** Publishes `{ message }` as an Avro SampleEvent; answers 202 with its id once Kafka acked it. */
  @Post()
  @HttpCode(202)
  async publish(@Body() body: unknown): Promise<{ id: string }> {
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || message.length === 0) {
      throw new BadRequestException('body must be JSON { "message": "<non-empty string>" }');
    }
    const event: SampleEvent = { id: randomUUID(), message, createdAt: new Date().toISOString() };
    try {
      await this.producer.send(SAMPLE_EVENT_SCHEMA, event, { key: event.id });
    } catch (error) {
      // Not connected yet (the producer keeps retrying in the background): ask the caller to retry.
      if (error instanceof ProducerNotInitialisedError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
    return { id: event.id };
  }

  /** The count of consumed events, the last ones, and the audit batches seen. */
  @Get()
  list(): ReturnType<EventsStore['snapshot']> {
    return this.store.snapshot();
  }
}
