import { Injectable } from '@nestjs/common';
import type { SampleEvent } from './event.schema.js';

/** How many recent events GET /events shows. */
const RECENT_EVENTS = 10;

/** What the handlers have seen so far (in memory: this is a sample). */
@Injectable()
export class EventsStore {
  private consumedCount = 0;
  private readonly recent: Array<SampleEvent & { workerId: number }> = [];
  private auditBatches = 0;
  private auditRecords = 0;

  /** Records one consumed event. */
  addEvent(event: SampleEvent, workerId: number): void {
    this.consumedCount += 1;
    this.recent.unshift({ ...event, workerId });
    this.recent.length = Math.min(this.recent.length, RECENT_EVENTS);
  }

  /** Records one batch of audit records. */
  addAuditBatch(size: number): void {
    this.auditBatches += 1;
    this.auditRecords += size;
  }

  /** A snapshot for GET /events. */
  snapshot() {
    return {
      consumed: this.consumedCount,
      last: [...this.recent],
      audit: { batches: this.auditBatches, records: this.auditRecords },
    };
  }
}
