import type { ProducerSink } from './topic-batch-sender.js';

/** The next offsets of a topic's partitions, committed for a group inside a transaction. */
export interface TransactionTopicOffsets {
  readonly topic: string;
  /** `offset` is the next record to read (the last one handled + 1), as a decimal string. */
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

/**
 * Offsets a transaction commits for a consumer group (`tx.sendOffsets`): they become the group's
 * committed offsets when, and only when, the transaction commits.
 */
export interface TransactionOffsets {
  /** The consumer group's name (its `groupName`). */
  readonly groupId: string;
  readonly topics: readonly TransactionTopicOffsets[];
}

/**
 * A {@link ProducerSink} that writes inside transactions: `sendBatch` goes into the transaction
 * begun last. The kafkajs one (`KafkaJsTransactionalSink`) and the test kit's in-memory one
 * implement it, so the transactional producer runs the same code on both.
 */
export interface TransactionalSink extends ProducerSink {
  /** Starts a transaction; every `sendBatch` until `commit` or `abort` belongs to it. */
  begin(): Promise<void>;
  /** Adds group offsets to the open transaction. */
  sendOffsets(offsets: TransactionOffsets): Promise<void>;
  /** Commits the open transaction. */
  commit(): Promise<void>;
  /** Aborts the open transaction. */
  abort(): Promise<void>;
  /**
   * Drops the transactional state after a failed commit or abort and initialises the
   * transactional id again, which makes the broker complete or abort what was left open.
   */
  reset(): Promise<void>;
}

/** True when `sink` can write transactions. */
export function isTransactionalSink(sink: ProducerSink): sink is TransactionalSink {
  const candidate = sink as Partial<TransactionalSink>;
  return typeof candidate.begin === 'function' && typeof candidate.commit === 'function' && typeof candidate.reset === 'function';
}
