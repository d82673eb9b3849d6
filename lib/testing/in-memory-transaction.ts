import type { PartitionOffset } from '../core/consumer/offset-tracker.js';
import type { KafkaMessage } from '../core/message.js';

/** Where an in-memory transaction stands. */
export type InMemoryTransactionState = 'open' | 'committed' | 'aborted';

/** What a transaction does to its broker when it ends. */
export interface InMemoryTransactionEnd {
  /** Stores the offsets of a group (on commit). */
  readonly commitOffsets: (groupName: string, offsets: readonly PartitionOffset[]) => void;
  /** Wakes readers of the records (they became visible, or no longer hold back later ones). */
  readonly notify: (records: readonly KafkaMessage[]) => void;
}

/**
 * One transaction on an {@link InMemoryBroker}: its records are in the partition logs from the
 * start (read_uncommitted readers see them at once), but read_committed readers stop at the
 * first record of an open transaction and skip those of an aborted one, as on Kafka. Group
 * offsets added to it are stored only on commit.
 */
export class InMemoryTransaction {
  private current: InMemoryTransactionState = 'open';
  private readonly written: KafkaMessage[] = [];
  private readonly offsets: Array<{ readonly groupName: string; readonly offsets: readonly PartitionOffset[] }> = [];

  constructor(private readonly end: InMemoryTransactionEnd) {}

  /** `'open'` until {@link commit} or {@link abort}. */
  get state(): InMemoryTransactionState {
    return this.current;
  }

  /** The records written in this transaction, in order. */
  get records(): readonly KafkaMessage[] {
    return this.written;
  }

  /** Called by the broker for each record appended in this transaction. */
  added(record: KafkaMessage): void {
    this.assertOpen();
    this.written.push(record);
  }

  /** Adds next-offsets of a group, stored when the transaction commits. */
  addOffsets(groupName: string, offsets: readonly PartitionOffset[]): void {
    this.assertOpen();
    this.offsets.push({ groupName, offsets: offsets.map((o) => ({ ...o })) });
  }

  /** Makes the records visible to read_committed readers and stores the group offsets. */
  commit(): void {
    this.assertOpen();
    this.current = 'committed';
    for (const { groupName, offsets } of this.offsets) this.end.commitOffsets(groupName, offsets);
    this.end.notify(this.written);
  }

  /** Hides the records from read_committed readers for good and drops the group offsets. */
  abort(): void {
    this.assertOpen();
    this.current = 'aborted';
    this.end.notify(this.written);
  }

  private assertOpen(): void {
    if (this.current !== 'open') throw new Error(`in-memory transaction is ${this.current}`);
  }
}
