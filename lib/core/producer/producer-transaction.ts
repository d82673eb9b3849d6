import type { AvroSchema } from '../avro.js';
import type { AvroValue } from '../avro-schema.js';
import type { SendOptions } from './record.js';
import type { TransactionOffsets } from './transactional-sink.js';

export type { TransactionOffsets, TransactionTopicOffsets } from './transactional-sink.js';

/**
 * The open transaction inside `producer.transaction(async (tx) => ...)`. Its sends go to the
 * producer's topic and settle on the broker's ack like the producer's own, but their records
 * become visible to `read_committed` consumers only when the transaction commits. Usable only
 * while the callback runs: afterwards every method rejects with `TransactionRequiredError`.
 *
 * A send that fails makes the whole transaction abort, even when the callback caught the error.
 */
export interface ProducerTransaction {
  /** The producer's `transactionalId`. */
  readonly transactionalId: string;
  /** Encodes `event` with the Avro `schema` and sends it in this transaction. Fails like `KafkaProducer.send`. */
  send<S extends AvroSchema>(schema: S, event: AvroValue<S>, options?: SendOptions): Promise<void>;
  /** Sends raw bytes (a string as UTF-8) in this transaction. */
  sendBytes(value: Buffer | Uint8Array | string, options?: SendOptions): Promise<void>;
  /** Sends the JSON text of `value` in this transaction. */
  sendJSON(value: unknown, options?: SendOptions): Promise<void>;
  /**
   * Commits `offsets` for a consumer group with this transaction: the group's committed offsets
   * move to them if and only if the transaction commits (consume-transform-produce). Offsets are
   * next offsets: the last record handled + 1. Rejects with `KafkaConfigError` when they are
   * malformed.
   */
  sendOffsets(offsets: TransactionOffsets): Promise<void>;
}
