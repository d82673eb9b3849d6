import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { PartitionOffset } from '../core/consumer/offset-tracker.js';
import { ConfigChecker } from '../core/config/validate.js';
import { InvalidMessageError } from '../core/errors.js';
import type { ConsumerIsolation } from '../core/config/consumer.js';
import { KafkaMessage } from '../core/message.js';
import { InMemoryTransaction } from './in-memory-transaction.js';
import type { StoredRecord } from './test-record.js';

/** Partitions of a topic the in-memory broker creates on first use, by default. */
export const DEFAULT_IN_MEMORY_PARTITIONS = 1;

/** Options of an {@link InMemoryBroker}. */
export interface InMemoryBrokerOptions {
  /** Partitions of topics created on first use. Default {@link DEFAULT_IN_MEMORY_PARTITIONS}. */
  readonly defaultPartitions?: number;
}

/** Called after a record was appended to a partition. Must not throw. */
export type AppendListener = (message: KafkaMessage) => void;

/**
 * Partition logs and committed group offsets held in memory: what in-memory producers write to
 * and in-memory consumer groups read from. One broker shared by a producer and a group makes
 * what the producer sends reach the group, as on a real cluster. Offsets start at 0 per
 * partition; committed offsets survive a group's restart (a new group with the same name
 * resumes from them).
 */
export class InMemoryBroker {
  private readonly logs = new Map<string, KafkaMessage[][]>();
  private readonly commits = new Map<string, string>();
  private readonly listeners = new Set<AppendListener>();
  /** The transaction each transactional record was written in. */
  private readonly transactionOf = new WeakMap<KafkaMessage, InMemoryTransaction>();
  private readonly defaultPartitions: number;
  private readonly choosePartition = Partitioners.DefaultPartitioner();

  constructor(options: InMemoryBrokerOptions = {}) {
    const checker = new ConfigChecker();
    checker.positive(options.defaultPartitions, 'defaultPartitions', { integer: true });
    checker.throwIfAny('in-memory broker');
    this.defaultPartitions = options.defaultPartitions ?? DEFAULT_IN_MEMORY_PARTITIONS;
  }

  /** Creates `topic` with `partitions` partitions, or grows it to that many (never shrinks). */
  createTopic(topic: string, partitions: number = this.defaultPartitions): void {
    const logs = this.partitionsOf(topic);
    while (logs.length < partitions) logs.push([]);
  }

  /** Topics that exist so far. */
  topics(): string[] {
    return [...this.logs.keys()];
  }

  /** Number of partitions of `topic` (creating it with the default count if new). */
  partitionCount(topic: string): number {
    return this.partitionsOf(topic).length;
  }

  /**
   * Appends a record and returns it as a consumer will read it. Without `partition` it goes
   * where the producer's partitioner sends it (murmur2 of the key, round-robin without one).
   * An explicit partition beyond the topic's count grows the topic. With `transaction`, the
   * record belongs to it (see {@link beginTransaction}).
   */
  append(topic: string, record: StoredRecord, partition?: number, transaction?: InMemoryTransaction): KafkaMessage {
    const logs = this.partitionsOf(topic);
    const target = partition ?? this.partitionFor(topic, record.key);
    if (!Number.isInteger(target) || target < 0) {
      throw new InvalidMessageError(topic, `partition must be an integer >= 0, got ${String(target)}`);
    }
    this.createTopic(topic, target + 1);
    const log = logs[target]!;
    const message = new KafkaMessage({ ...record, topic, partition: target, offset: String(log.length) });
    log.push(message);
    if (transaction) {
      transaction.added(message);
      this.transactionOf.set(message, transaction);
    }
    this.notify([message]);
    return message;
  }

  /**
   * Starts a transaction: records appended with it stay invisible to `read_committed` readers
   * until it commits, and for good if it aborts; group offsets added to it are stored on commit.
   */
  beginTransaction(): InMemoryTransaction {
    return new InMemoryTransaction({
      commitOffsets: (groupName, offsets) => this.commit(groupName, offsets),
      notify: (records) => this.notify(records),
    });
  }

  /**
   * The records of one partition from `from` (inclusive), at most `max`. `read_uncommitted`
   * (default) returns every record; `read_committed` stops at the first record of an open
   * transaction and skips records of aborted ones (their offsets stay taken, as on Kafka).
   */
  read(topic: string, partition: number, from: number, max: number, isolation: ConsumerIsolation = 'read_uncommitted'): KafkaMessage[] {
    const log = this.logs.get(topic)?.[partition] ?? [];
    if (isolation === 'read_uncommitted') return log.slice(from, from + max);
    const visible: KafkaMessage[] = [];
    for (let offset = from; offset < log.length && visible.length < max; offset++) {
      const state = this.transactionOf.get(log[offset]!)?.state;
      if (state === 'open') break;
      if (state !== 'aborted') visible.push(log[offset]!);
    }
    return visible;
  }

  /** Next offset to be written to a partition (its length). */
  endOffset(topic: string, partition: number): number {
    return this.logs.get(topic)?.[partition]?.length ?? 0;
  }

  /**
   * Every record of `topic` (one partition, or all in partition order). `read_uncommitted`
   * (default): every record written; `read_committed`: what a read_committed consumer reads.
   */
  messages(topic: string, partition?: number, isolation: ConsumerIsolation = 'read_uncommitted'): KafkaMessage[] {
    const logs = this.logs.get(topic) ?? [];
    const partitions = partition === undefined ? logs.map((_, p) => p) : [partition];
    return partitions.flatMap((p) => this.read(topic, p, 0, Number.MAX_SAFE_INTEGER, isolation));
  }

  /** Stores next-offsets committed by `groupName`. */
  commit(groupName: string, offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) this.commits.set(commitKey(groupName, o.topic, o.partition), o.offset);
  }

  /** The next-offset `groupName` committed for a partition, or `undefined` if none. */
  committed(groupName: string, topic: string, partition: number): string | undefined {
    return this.commits.get(commitKey(groupName, topic, partition));
  }

  /** Subscribes to appends; returns the unsubscribe function. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(records: readonly KafkaMessage[]): void {
    for (const message of records) for (const listener of [...this.listeners]) listener(message);
  }

  private partitionsOf(topic: string): KafkaMessage[][] {
    let logs = this.logs.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.defaultPartitions }, () => []);
      this.logs.set(topic, logs);
    }
    return logs;
  }

  private partitionFor(topic: string, key: Buffer | null): number {
    const partitionMetadata: PartitionMetadata[] = this.partitionsOf(topic).map((_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    return this.choosePartition({ topic, partitionMetadata, message: { key, value: null } });
  }
}

function commitKey(groupName: string, topic: string, partition: number): string {
  return `${groupName}\u0000${topic}\u0000${partition}`;
}
