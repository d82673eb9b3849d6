import type { Kafka, Producer, ProducerBatch, RecordMetadata, Transaction } from 'kafkajs';
import type { ResolvedProducerConfig } from '../config/producer.js';
import { installKafkaJsProduceEncoder } from './kafkajs-produce-encoder.js';
import { RecordingPartitioner } from './recording-partitioner.js';
import type { TransactionalSink, TransactionOffsets } from './transactional-sink.js';

const noop = (): void => {};

/**
 * The transactional producer's sink on kafkajs 2.2.4: a kafkajs producer with `transactionalId`,
 * `idempotent: true` and one request in flight, whose `sendBatch` writes into the transaction
 * begun last. Its Produce requests are written by this module's encoder, which carries the
 * transactional id, producer id, epoch and sequences kafkajs hands it (proven on the broker by
 * `test/integration/producer/transactions.test.ts`).
 *
 * Why a new kafkajs producer on {@link reset}: kafkajs' transaction state machine stays in
 * COMMITTING or ABORTING after a failed `EndTxn`, and refuses every later transaction
 * ("Cannot call beginTransaction in state COMMITTING", measured on 4.4.0 and 3.9.1). A fresh
 * producer sends InitProducerId again, which bumps the epoch and settles what was left open.
 */
export class KafkaJsTransactionalSink implements TransactionalSink {
  private readonly partitioner = new RecordingPartitioner();
  private producer: Producer;
  private current: Transaction | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ResolvedProducerConfig & { readonly transactionalId: string },
  ) {
    installKafkaJsProduceEncoder();
    this.producer = this.create();
  }

  /**
   * Connects and initialises the transactional id at once (InitProducerId), as the Java client's
   * `initTransactions()`: an older producer with the same id is fenced now, and the broker
   * completes or aborts its open transaction before this resolves.
   */
  async connect(): Promise<void> {
    await this.producer.connect();
    // kafkajs initialises the id on its first transaction(); an abort with nothing sent ends it
    // without a request.
    const first = await this.producer.transaction();
    await first.abort();
  }

  async disconnect(): Promise<void> {
    this.current = undefined;
    await this.producer.disconnect();
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const transaction = this.current;
    if (transaction === undefined) return Promise.reject(new Error('no transaction is open'));
    return transaction.sendBatch(batch);
  }

  partitionCount(topic: string): number | undefined {
    return this.partitioner.partitionCount(topic);
  }

  async begin(): Promise<void> {
    this.current = await this.producer.transaction();
  }

  async sendOffsets({ groupId, topics }: TransactionOffsets): Promise<void> {
    const transaction = this.current;
    if (transaction === undefined) throw new Error('no transaction is open');
    await transaction.sendOffsets({
      consumerGroupId: groupId,
      topics: topics.map(({ topic, partitions }) => ({ topic, partitions: partitions.map((p) => ({ ...p })) })),
    });
  }

  async commit(): Promise<void> {
    const transaction = this.current;
    this.current = undefined;
    if (transaction === undefined) throw new Error('no transaction is open');
    await transaction.commit();
  }

  async abort(): Promise<void> {
    const transaction = this.current;
    this.current = undefined;
    if (transaction === undefined) throw new Error('no transaction is open');
    await transaction.abort();
  }

  async reset(): Promise<void> {
    this.current = undefined;
    const stale = this.producer;
    this.producer = this.create();
    await stale.disconnect().catch(noop);
    await this.connect();
  }

  private create(): Producer {
    const { config } = this;
    return this.kafka.producer({
      createPartitioner: this.partitioner.createPartitioner,
      transactionalId: config.transactionalId,
      transactionTimeout: config.transactionTimeoutMs,
      idempotent: true,
      // kafkajs' requirement for transactions: one request at a time keeps sequences in order.
      maxInFlightRequests: 1,
      retry: { retries: config.retryMax, initialRetryTime: config.retryBackoff },
      allowAutoTopicCreation: true,
    });
  }
}
