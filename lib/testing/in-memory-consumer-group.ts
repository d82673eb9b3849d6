import type { Kafka } from 'kafkajs';
import type { AvroSchema } from '../core/avro.js';
import { createKafkaClient } from '../core/client.js';
import { partitionConcurrency, resolveConsumerGroupConfig, type ConsumerGroupConfig } from '../core/config/consumer.js';
import { ConsumerGroupCore } from '../core/consumer/consumer-group-core.js';
import type { KafkaConsumerGroup } from '../core/consumer/kafka-consumer-group.js';
import type { PartitionOffset } from '../core/consumer/offset-tracker.js';
import { ConsumerState, consumerStateName } from '../core/consumer/state.js';
import { InvalidMessageError, KafkaOperationError, KafkaTimeoutError, type KafkaError } from '../core/errors.js';
import type { KafkaMessage } from '../core/message.js';
import { InMemoryBroker } from './in-memory-broker.js';
import { inMemoryPartitionOutputs } from './in-memory-partition-outputs.js';
import { InMemoryProducerSink } from './in-memory-producer-sink.js';
import { DEFAULT_TEST_WAIT_TIMEOUT, IN_MEMORY_CONNECTION, resolveWithExtras } from './in-memory-config.js';
import { DEFAULT_IN_MEMORY_FETCH_SIZE, InMemoryConsumerTransport } from './in-memory-transport.js';
import { toStoredRecord, type TestRecordInput, type TestRecordOptions } from './test-record.js';
import { waitUntil } from './wait-until.js';

/** Pause between commit retries in {@link InMemoryConsumerGroup.waitForIdle}, ms. */
const COMMIT_RETRY_PAUSE_MS = 5;

/** Settings of an {@link InMemoryConsumerGroup}: a group config whose `brokers` are optional, plus the fake's own. */
export interface InMemoryConsumerGroupConfig extends Omit<ConsumerGroupConfig, 'brokers'> {
  /** Never dialled. Default `['in-memory:9092']`. */
  brokers?: string[];
  /** Where records are read from; share it with an `InMemoryProducer` to consume what it sends. Default: a new broker. */
  broker?: InMemoryBroker;
  /** Partitions each topic has (created or grown to). Default: the broker's default, 1. */
  partitions?: number;
  /** Most records per partition batch (one "fetch"). Default 500. */
  fetchSize?: number;
}

/** Where a pushed record goes, besides its payload options. */
export interface PushOptions extends TestRecordOptions {
  /** One of the group's topics. Default: the first. */
  readonly topic?: string;
  /** Default: by key hash (murmur2, as the producer), round-robin without a key. */
  readonly partition?: number;
}

/** Input of {@link InMemoryConsumerGroup.push}: a payload (`value`, `json` or `schema` + `event`) and its options. */
export type PushInput = TestRecordInput & PushOptions;

/** The {@link InMemoryConsumerGroup} implementation (internal: users hold the interface). */
export class InMemoryConsumerGroupCore extends ConsumerGroupCore implements InMemoryConsumerGroup {
  /** The broker this group reads from. */
  readonly broker: InMemoryBroker;
  /** Every error sent to {@link errors} so far (handler failures, commit failures, crashes). */
  readonly emittedErrors: KafkaError[] = [];
  private readonly source: InMemoryConsumerTransport;
  private readonly forwards: InMemoryProducerSink;
  private client: Kafka | undefined;
  private startRequested = false;

  /** Validates `config` (one KafkaConfigError names every bad field); starts initialising on the next turn. */
  constructor(config: InMemoryConsumerGroupConfig) {
    const { broker = new InMemoryBroker(), partitions, fetchSize, ...groupConfig } = config ?? ({} as InMemoryConsumerGroupConfig);
    const resolved = resolveWithExtras(
      'in-memory consumer group',
      () => resolveConsumerGroupConfig({ ...IN_MEMORY_CONNECTION, ...groupConfig }),
      (checker) => {
        checker.positive(partitions, 'partitions', { integer: true });
        checker.positive(fetchSize, 'fetchSize', { integer: true });
        checker.require(broker instanceof InMemoryBroker, 'broker', 'must be an InMemoryBroker');
      },
    );
    if (partitions !== undefined) for (const topic of resolved.topics) broker.createTopic(topic, partitions);
    const transport = new InMemoryConsumerTransport(broker, {
      topics: resolved.topics,
      groupName: resolved.groupName,
      offset: resolved.offset,
      isolation: resolved.isolation,
      concurrency: partitionConcurrency(resolved),
      fetchSize: fetchSize ?? DEFAULT_IN_MEMORY_FETCH_SIZE,
    });
    // Retried and dead-lettered records go to the same in-memory broker, where a test reads them.
    const forwards = new InMemoryProducerSink(broker);
    super(resolved, transport, resolved.logger, {
      forwarderSink: () => forwards,
      transactionalOutputs: (output) => inMemoryPartitionOutputs(broker, resolved.groupName, output),
    });
    this.broker = broker;
    this.source = transport;
    this.forwards = forwards;
  }

  /**
   * A kafkajs client on the configured (never dialled) brokers, for code that reads
   * `KafkaConsumerGroup.kafkaClient`; anything it connects will fail.
   */
  get kafkaClient(): Kafka {
    this.client ??= createKafkaClient(this.config, this.logger);
    return this.client;
  }

  /**
   * Appends a record to one of the group's topics and returns it as the handler will see it
   * (with its partition and offset). The group delivers it once it is consuming.
   *
   * @throws InvalidMessageError for a topic the group does not consume or a bad record
   */
  push(input: PushInput): KafkaMessage {
    const topic = input?.topic ?? this.topics[0]!;
    if (!this.topics.includes(topic)) {
      throw new InvalidMessageError(
        topic,
        `consumer group ${this.groupName} does not consume this topic (it consumes ${this.topics.join(', ')})`,
      );
    }
    return this.broker.append(topic, toStoredRecord(topic, input), input.partition);
  }

  /** Pushes `event` encoded with the Avro `schema` (dp-kafka's `QueueMessage`). */
  queueMessage(schema: AvroSchema, event: unknown, options: PushOptions = {}): KafkaMessage {
    return this.push({ ...options, schema, event });
  }

  /** Pushes the JSON text of `value`. */
  queueJSON(value: unknown, options: PushOptions = {}): KafkaMessage {
    return this.push({ ...options, json: value });
  }

  /** Pushes raw bytes (a string as UTF-8). */
  queueBytes(value: Buffer | Uint8Array | string | null, options: PushOptions = {}): KafkaMessage {
    return this.push({ ...options, value });
  }

  /**
   * Resolves once the group is consuming, every pushed record was handed to the handler, every
   * handler call finished (a partial batch waits for its wait time) and the finished offsets
   * were committed. Records of paused partitions are not waited for. Rejects with KafkaTimeoutError, naming what is still pending, after `timeoutMs`.
   */
  async waitForIdle(timeoutMs: number = DEFAULT_TEST_WAIT_TIMEOUT): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const details = () => ({ group: this.groupName, state: consumerStateName(this.state), inFlight: this.pipeline.tracker.inFlight() });
    await waitUntil(
      `consumer group ${this.groupName} to handle every pushed record`,
      // activeBatches: a transactional handler's records never reach the tracker, its batch ends with its commit.
      () =>
        this.state === ConsumerState.Consuming &&
        this.source.isCaughtUp() &&
        this.pipeline.tracker.inFlight() === 0 &&
        this.pipeline.activeBatches === 0,
      timeoutMs,
      { details },
    );
    // Commits are chained, so a flush settles every earlier one; a failed commit puts its
    // offsets back, so keep flushing until they are stored.
    await this.pipeline.flushCommits();
    while (this.pipeline.tracker.hasPending()) {
      if (Date.now() >= deadline) {
        throw new KafkaTimeoutError(
          `timed out after ${timeoutMs} ms waiting for consumer group ${this.groupName} to commit what it handled`,
          details(),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, COMMIT_RETRY_PAUSE_MS));
      await this.pipeline.flushCommits();
    }
  }

  /** Whether `start()` was called and neither `stop()` nor `close()` since (it may still be initialising or joining). */
  isStarted(): boolean {
    return this.startRequested && this.state !== ConsumerState.Closing;
  }

  override async start(): Promise<void> {
    await super.start();
    this.startRequested = true;
  }

  override async stop(): Promise<void> {
    this.startRequested = false;
    await super.stop();
  }

  /** The next offset committed for a partition (last handled + 1), or `undefined` if nothing was committed. */
  committedOffset(partition = 0, topic: string = this.topics[0]!): string | undefined {
    return this.broker.committed(this.groupName, topic, partition);
  }

  /** Every commit the group made, in order. */
  get commits(): readonly PartitionOffset[] {
    return this.source.commitLog;
  }

  /**
   * Simulates a rebalance: in-flight handlers finish and commit, then the group rejoins and reads
   * on from the committed offsets, so uncommitted records are delivered again. Resolves once rejoined.
   */
  rebalance(): Promise<void> {
    return this.source.rebalance();
  }

  /** Simulates consumption crashing: the group reports it on {@link errors}, backs off and resumes. */
  crash(error: unknown = new KafkaOperationError('simulated consumer crash', { group: this.groupName })): void {
    this.source.crash(error);
  }

  /** Makes the next `count` connection attempts fail, as a broker that is not up yet (call before the first turn ends). */
  failConnects(count: number): void {
    this.source.failConnects(count);
  }

  /** Makes the next `count` commits fail; the offsets are retried with the next commit. */
  failCommits(count: number): void {
    this.source.failCommits(count);
  }

  /**
   * Makes sends to retry and dead-letter topics fail (`true`), as a broker refusing them would,
   * until called with `false`; the failed records' offsets stay uncommitted meanwhile.
   */
  refuseForwards(refuse: boolean): void {
    if (refuse)
      this.forwards.failAlways(new KafkaOperationError('simulated refusal of a retry or dead-letter topic', { group: this.groupName }));
    else this.forwards.stopFailing();
  }

  protected override emit(error: KafkaError): void {
    this.emittedErrors.push(error);
    super.emit(error);
  }
}

/**
 * A consumer group for tests: the real core (state machine, background initialisation, worker
 * pool, one message in flight per partition, batch size and wait time, commit rules, drain on
 * stop and close) over an in-memory partition source instead of kafkajs. It is also assignable
 * to `KafkaConsumerGroup`, so code under test cannot tell the difference.
 *
 * Tests push records into partitions, wait with {@link InMemoryConsumerGroup.waitForIdle}, and check what the group
 * committed ({@link InMemoryConsumerGroup.committedOffset}, {@link InMemoryConsumerGroup.commits}). {@link InMemoryConsumerGroup.rebalance} and {@link InMemoryConsumerGroup.crash}
 * simulate what a cluster does to a member. The member is alone in its group: it owns every
 * partition.
 *
 * @example
 * ```ts
 * const group = new InMemoryConsumerGroup({ topic: 'orders', groupName: 'billing', numWorkers: 2 });
 * group.registerHandler(handler);
 * await group.start();
 * group.queueJSON({ id: 1 }, { key: 'a' });
 * await group.waitForIdle();
 * assert.equal(group.committedOffset(0), '1');
 * ```
 */
export interface InMemoryConsumerGroup extends KafkaConsumerGroup {
  /** The broker this group reads from. */
  readonly broker: InMemoryBroker;
  /** Every error sent to `errors` so far (handler failures, commit failures, crashes). */
  readonly emittedErrors: KafkaError[];
  /** Every commit the group made, in order. */
  readonly commits: readonly PartitionOffset[];
  /**
   * Appends a record to one of the group's topics and returns it as the handler will see it
   * (with its partition and offset). The group delivers it once it is consuming.
   *
   * @throws InvalidMessageError for a topic the group does not consume or a bad record
   */
  push(input: PushInput): KafkaMessage;
  /** Pushes `event` encoded with the Avro `schema` (dp-kafka's `QueueMessage`). */
  queueMessage(schema: AvroSchema, event: unknown, options?: PushOptions): KafkaMessage;
  /** Pushes the JSON text of `value`. */
  queueJSON(value: unknown, options?: PushOptions): KafkaMessage;
  /** Pushes raw bytes (a string as UTF-8). */
  queueBytes(value: Buffer | Uint8Array | string | null, options?: PushOptions): KafkaMessage;
  /**
   * Resolves once the group is consuming, every pushed record was handed to the handler, every
   * handler call finished (a partial batch waits for its wait time) and the finished offsets
   * were committed. Records of paused partitions are not waited for. Rejects with KafkaTimeoutError, naming what is still pending, after `timeoutMs`.
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Whether `start()` was called and neither `stop()` nor `close()` since (it may still be initialising or joining). */
  isStarted(): boolean;
  /** The next offset committed for a partition (default 0 of the first topic; last handled + 1), or `undefined` if nothing was committed. */
  committedOffset(partition?: number, topic?: string): string | undefined;
  /**
   * Simulates a rebalance: in-flight handlers finish and commit, then the group rejoins and reads
   * on from the committed offsets, so uncommitted records are delivered again. Resolves once rejoined.
   */
  rebalance(): Promise<void>;
  /** Simulates consumption crashing: the group reports it on `errors`, backs off and resumes. */
  crash(error?: unknown): void;
  /** Makes the next `count` connection attempts fail, as a broker that is not up yet (call before the first turn ends). */
  failConnects(count: number): void;
  /** Makes the next `count` commits fail; the offsets are retried with the next commit. */
  failCommits(count: number): void;
  /**
   * Makes sends to retry and dead-letter topics fail (`true`), as a broker refusing them would,
   * until called with `false`; the failed records' offsets stay uncommitted meanwhile.
   */
  refuseForwards(refuse: boolean): void;
}

/** Creates an {@link InMemoryConsumerGroup}: `new InMemoryConsumerGroup(config)`. */
export const InMemoryConsumerGroup: {
  /** Validates `config` (one KafkaConfigError names every bad field); starts initialising on the next turn. */
  new (config: InMemoryConsumerGroupConfig): InMemoryConsumerGroup;
  /** For `instanceof`. */
  readonly prototype: InMemoryConsumerGroup;
} = InMemoryConsumerGroupCore;
