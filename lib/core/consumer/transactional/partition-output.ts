import type { ProducerConfig } from '../../config/producer.js';
import type { ProducerTransaction } from '../../producer/producer-transaction.js';

/** The transactional producer of one input partition, as the consume-transform-produce mode uses it. */
export interface PartitionOutput {
  /** Runs `work` in one transaction: commits when it resolves, aborts when it throws. */
  transaction<T>(work: (tx: ProducerTransaction) => Promise<T> | T): Promise<T>;
  /** Resolves once the transactional id is initialised (a previous holder of the id is fenced). */
  waitUntilInitialised(): Promise<void>;
  close(): Promise<void>;
}

/** Where the consume-transform-produce mode gets its producers and reads the group's committed offsets. */
export interface PartitionOutputs {
  /** A new transactional producer on the output topic with this transactional id. */
  create(transactionalId: string): PartitionOutput;
  /** The group's committed next offset of a partition (`undefined` when none). */
  committed(topic: string, partition: number): Promise<string | undefined>;
  /** Releases what `committed` opened. */
  close(): Promise<void>;
}

/**
 * The output producer's settings: a producer config without `transactionalId` (one is made per
 * input partition). `brokers` defaults to the group's; other connection settings (`security`,
 * `clientId`) are not taken from the group, give them here when the brokers need them.
 */
export type TransactionalOutputConfig = Omit<ProducerConfig, 'transactionalId' | 'brokers'> & {
  /** Default: the consumer group's `brokers`. */
  brokers?: string[];
};
