import type { Message } from 'kafkajs';
import type { RecordHeaders } from './record-size.js';

/**
 * One record as the producer hands it to its sink (kafkajs' `Message` shape, headers always set).
 *
 * A class rather than an object literal for two reasons: every record has the same shape, which
 * keeps the per-record loops monomorphic, and the produce-request writer can tell this module's
 * records from anyone else's (`instanceof`) and encode only those itself (see
 * `kafkajs-produce-encoder.ts`). `partition` is written by the partitioner when kafkajs places
 * a record sent without one.
 */
export class OutgoingRecord implements Message {
  key: Buffer | string | undefined;
  partition: number | undefined;

  constructor(
    readonly value: Buffer | string,
    readonly headers: RecordHeaders,
    key?: Buffer | string,
    partition?: number,
  ) {
    this.key = key;
    this.partition = partition;
  }
}
