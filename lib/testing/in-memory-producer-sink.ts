import type { Message, ProducerBatch, RecordMetadata } from 'kafkajs';
import type { TransactionalSink, TransactionOffsets } from '../core/producer/transactional-sink.js';
import type { KafkaMessage } from '../core/message.js';
import type { InMemoryBroker } from './in-memory-broker.js';
import type { InMemoryTransaction } from './in-memory-transaction.js';
import { storedFromSent } from './test-record.js';

/** One record a producer handed to the broker: as sent, and as a consumer reads it back. */
export interface SentRecord {
  /**
   * The kafkajs message the producer built (value, key, headers); `partition` is the one it was
   * written to (the sink records its choice on the message, as the kafkajs partitioner does).
   */
  readonly raw: Readonly<Message>;
  /** The stored record with its partition and offset: `decode`, `json`, `getHeader` work on it. */
  readonly message: KafkaMessage;
}

/** What Kafka answers a producer whose epoch a newer producer of its transactional id replaced. */
function fencedFailure(): Error {
  return Object.assign(new Error('producer epoch is stale: a newer producer has the same transactionalId (simulated)'), {
    type: 'INVALID_PRODUCER_EPOCH',
    code: 47,
  });
}

/** Default error of a simulated send failure. */
function simulatedFailure(): Error {
  return new Error('simulated broker failure');
}

/**
 * A {@link ProducerSink} that appends batches to an {@link InMemoryBroker}, so `KafkaProducer`
 * runs its real send path (record building, headers, size check, batcher) and only the network
 * is replaced. It acknowledges like a broker: a record with an explicit partition the topic does
 * not have gets no ack (the producer fails it). Like the kafkajs sink, it writes the partition it
 * chose onto each message, so the producer's ack check covers every record. It can be told to
 * fail sends. It writes transactions too (a producer with `transactionalId`): between `begin`
 * and `commit` its records belong to an {@link InMemoryTransaction} of the broker.
 */
export class InMemoryProducerSink implements TransactionalSink {
  /** Every record the broker accepted, in order. */
  readonly sent: SentRecord[] = [];
  private failuresLeft = 0;
  private failure: unknown = undefined;
  private failAll = false;
  private transaction: InMemoryTransaction | undefined;
  private fenced = false;

  constructor(private readonly broker: InMemoryBroker) {}

  /** Fails the next `count` records (a batch holding one of them fails as a whole, as on a broker). */
  failNext(count: number, error: unknown = simulatedFailure()): void {
    this.failuresLeft = count;
    this.failure = error;
  }

  /** Fails every record until {@link stopFailing}. */
  failAlways(error: unknown = simulatedFailure()): void {
    this.failAll = true;
    this.failure = error;
  }

  /** Ends simulated failures. */
  stopFailing(): void {
    this.failAll = false;
    this.failuresLeft = 0;
  }

  partitionCount(topic: string): number {
    return this.broker.partitionCount(topic);
  }

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {}

  /**
   * Acts as if a newer producer with the same transactional id started: the open transaction is
   * aborted, and every later transactional call fails with Kafka's stale-epoch answer.
   */
  fence(): void {
    this.fenced = true;
    if (this.transaction?.state === 'open') this.transaction.abort();
  }

  async begin(): Promise<void> {
    if (this.fenced) throw fencedFailure();
    if (this.transaction?.state === 'open') throw new Error('a transaction is already open');
    this.transaction = this.broker.beginTransaction();
  }

  async sendOffsets({ groupId, topics }: TransactionOffsets): Promise<void> {
    const offsets = topics.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
    this.openTransaction().addOffsets(groupId, offsets);
  }

  async commit(): Promise<void> {
    this.openTransaction().commit();
  }

  async abort(): Promise<void> {
    this.openTransaction().abort();
  }

  /** As a new InitProducerId: the broker aborts what was left open. */
  async reset(): Promise<void> {
    if (this.transaction?.state === 'open') this.transaction.abort();
    this.transaction = undefined;
  }

  private openTransaction(): InMemoryTransaction {
    if (this.fenced) throw fencedFailure();
    const transaction = this.transaction;
    if (transaction?.state !== 'open') throw new Error('no transaction is open');
    return transaction;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const messages = (batch.topicMessages ?? []).flatMap((t) => t.messages.map((m) => ({ topic: t.topic, raw: m })));
    if (this.fenced && this.transaction) throw fencedFailure();
    if (this.failAll || this.failuresLeft > 0) {
      this.failuresLeft = Math.max(0, this.failuresLeft - messages.length);
      throw this.failure;
    }
    const acks = new Map<string, RecordMetadata>();
    const transaction = this.transaction?.state === 'open' ? this.transaction : undefined;
    for (const { topic, raw } of messages) {
      if (raw.partition !== undefined && raw.partition >= this.broker.partitionCount(topic)) continue;
      const message = this.broker.append(topic, storedFromSent(raw), raw.partition, transaction);
      raw.partition = message.partition;
      this.sent.push({ raw, message });
      const key = `${topic}/${message.partition}`;
      if (!acks.has(key)) acks.set(key, { topicName: topic, partition: message.partition, errorCode: 0, baseOffset: message.offset });
    }
    return [...acks.values()];
  }
}
