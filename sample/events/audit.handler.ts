import { Injectable } from '@nestjs/common';
import { KafkaBatchHandler, type KafkaMessage } from '../../lib/index.js';
import { EventsStore } from './events.store.js';

/** Consumes the audit topic in batches (up to the group's batchSize per call). */
@Injectable()
export class AuditHandler {
  constructor(private readonly store: EventsStore) {}

  @KafkaBatchHandler({ group: 'audit' })
  async onAuditBatch(messages: KafkaMessage[]): Promise<void> {
    this.store.addAuditBatch(messages.length);
  }
}
