import type { PartitionOffset } from '../core/consumer/offset-tracker.js';
import type {
  ConsumerTransport,
  PartitionBatch,
  PartitionStartOffset,
  TopicOffsetReader,
  TransportListener,
} from '../core/consumer/transport.js';
import { PauseSet, type PauseHolder, type TopicPartitions } from '../core/consumer/pause-set.js';
import { groupRetryTopics, type FailureTopicPolicy } from '../core/consumer/retry-topics/retry-topic-names.js';
import { WorkerPool } from '../core/consumer/worker-pool.js';
import type { ConsumerIsolation } from '../core/config/consumer.js';
import { KafkaOperationError } from '../core/errors.js';
import type { KafkaMessage } from '../core/message.js';
import type { InMemoryBroker } from './in-memory-broker.js';

/** Most records one in-memory fetch hands over for a partition, by default. */
export const DEFAULT_IN_MEMORY_FETCH_SIZE = 500;

/** Settings of an {@link InMemoryConsumerTransport}. */
export interface InMemoryTransportOptions {
  readonly topics: readonly string[];
  readonly groupName: string;
  /** Where a partition without a committed offset starts. */
  readonly offset: 'oldest' | 'newest';
  /** Which records of transactions are read (see `InMemoryBroker.read`). Default `'read_committed'`. */
  readonly isolation?: ConsumerIsolation;
  /** Partition batches handled at once (kafkajs' `partitionsConsumedConcurrently`). */
  readonly concurrency: number;
  /** Most records per partition batch. */
  readonly fetchSize: number;
}

/**
 * A {@link ConsumerTransport} over an {@link InMemoryBroker}: the consumer core runs on it
 * exactly as on kafkajs. Each assigned partition is read from its committed offset; its next
 * batch is delivered only after the previous one settled and starts after the last resolved
 * offset (unresolved records come again, as on kafkajs); at most `concurrency` partition batches
 * are handled at once. The member is alone in its group: it gets every partition of its topics.
 */
export class InMemoryConsumerTransport implements ConsumerTransport {
  /** Every commit the core made, in order. */
  readonly commitLog: PartitionOffset[] = [];
  private listener: TransportListener | undefined;
  private running = false;
  private rebalancing = false;
  private generation = 0;
  private connectFailures = 0;
  private commitFailures = 0;
  private readonly positions = new Map<string, number>();
  /** Partition -> generation of its running delivery loop. */
  private readonly loops = new Map<string, number>();
  private readonly active = new Set<Promise<void>>();
  /** Caps concurrent partition batches, as kafkajs' `partitionsConsumedConcurrently` does. */
  private readonly slots: WorkerPool;
  private readonly unsubscribe: () => void;
  private readonly pauses = new PauseSet();
  /** The config's topics, then the retry topics of the handler's failure policy. */
  private readonly topics: string[];
  /** Partition -> number of seeks so far: a batch handed over before a seek must not move the position. */
  private readonly seeks = new Map<string, number>();
  /** Offsets read straight from the in-memory broker. */
  readonly offsets: TopicOffsetReader;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly options: InMemoryTransportOptions,
  ) {
    this.slots = new WorkerPool(options.concurrency);
    this.topics = [...options.topics];
    this.offsets = inMemoryOffsetReader(broker);
    for (const topic of options.topics) broker.createTopic(topic);
    this.unsubscribe = broker.onAppend((message) => {
      if (this.running && this.topics.includes(message.topic)) this.pump(message.topic, message.partition);
    });
  }

  /** Consumes the retry topics of `policy` too (created on the broker like their topic). */
  useFailurePolicy(policy: FailureTopicPolicy): void {
    const base = this.options.topics;
    for (const topic of base) {
      for (const retry of groupRetryTopics({ topics: [topic], failurePolicy: policy })) {
        if (this.topics.includes(retry)) continue;
        this.broker.createTopic(retry, this.broker.partitionCount(topic));
        this.topics.push(retry);
      }
    }
  }

  /** Whether the member is in the group and reading. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Makes the next `count` connection attempts fail (a broker that is not up yet). */
  failConnects(count: number): void {
    this.connectFailures = count;
  }

  async connect(): Promise<void> {
    if (this.connectFailures > 0) {
      this.connectFailures--;
      throw new KafkaOperationError('in-memory broker is unreachable (simulated)', { group: this.options.groupName });
    }
  }

  async run(listener: TransportListener): Promise<void> {
    this.listener = listener;
    this.running = true;
    this.join();
  }

  /** Makes the next `count` commits fail (as during a rebalance); the core retries or reports them. */
  failCommits(count: number): void {
    this.commitFailures = count;
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (this.commitFailures > 0) {
      this.commitFailures--;
      throw new KafkaOperationError('commit refused by the in-memory broker (simulated)', { group: this.options.groupName });
    }
    this.broker.commit(this.options.groupName, offsets);
    this.commitLog.push(...offsets.map((o) => ({ ...o })));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    await this.settleActive();
  }

  async disconnect(): Promise<void> {
    await this.stop();
    this.unsubscribe();
  }

  /**
   * Simulates a rebalance as the kafkajs transport runs one: the core is told, in-flight batches
   * finish, and the member rejoins only once the core's hand-over (handlers finished, offsets
   * committed) is done. It then joins a new generation and reads on from the committed offsets,
   * so anything not committed is delivered again.
   */
  async rebalance(): Promise<void> {
    if (!this.running || !this.listener) return;
    this.rebalancing = true;
    const handedOver = this.listener.onRebalancing();
    await this.settleActive();
    await handedOver;
    this.rebalancing = false;
    if (this.running) this.join();
  }

  pause(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.pause(partitions, holder);
  }

  resume(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.resume(partitions, holder);
    if (!this.running) return;
    for (const { topic, partition } of this.assignment()) if (!this.pauses.isPaused(topic, partition)) this.pump(topic, partition);
  }

  isPaused(topic: string, partition: number, holder?: PauseHolder): boolean {
    return this.pauses.isPaused(topic, partition, holder);
  }

  seek(topic: string, partition: number, offset: string): void {
    if (!this.running || !this.assignment().some((a) => a.topic === topic && a.partition === partition)) return;
    const key = `${topic}/${partition}`;
    this.seeks.set(key, (this.seeks.get(key) ?? 0) + 1);
    this.positions.set(key, Number(offset));
    this.pump(topic, partition);
  }

  /** Simulates consumption crashing with `error`: the core backs off, reconnects and runs again. */
  crash(error: unknown): void {
    if (!this.running || !this.listener) return;
    this.running = false;
    this.generation++;
    this.listener.onCrash(error);
  }

  /** Whether every record of the assigned partitions that are not paused was delivered and no batch is being handled. */
  isCaughtUp(): boolean {
    if (this.active.size > 0 || this.loops.size > 0) return false;
    return this.assignment().every(
      ({ topic, partition }) => this.pauses.isPaused(topic, partition) || this.readFrom(topic, partition, 1).length === 0,
    );
  }

  private join(): void {
    const generation = ++this.generation;
    this.positions.clear();
    const assignment: Record<string, number[]> = {};
    for (const { topic, partition } of this.assignment()) (assignment[topic] ??= []).push(partition);
    this.listener?.onGroupJoin(assignment);
    if (generation !== this.generation) return; // a listener stopped us meanwhile
    for (const { topic, partition } of this.assignment()) this.pump(topic, partition);
  }

  private assignment(): Array<{ topic: string; partition: number }> {
    return this.topics.flatMap((topic) =>
      Array.from({ length: this.broker.partitionCount(topic) }, (_, partition) => ({ topic, partition })),
    );
  }

  /** Where this generation reads a partition next: resolved position, else the committed offset, else the reset rule. */
  private position(topic: string, partition: number): number {
    const key = `${topic}/${partition}`;
    let position = this.positions.get(key);
    if (position === undefined) {
      const committed = this.broker.committed(this.options.groupName, topic, partition);
      position =
        committed !== undefined ? Number(committed) : this.options.offset === 'oldest' ? 0 : this.broker.endOffset(topic, partition);
      this.positions.set(key, position);
    }
    return position;
  }

  /** Starts the partition's delivery loop of this generation unless it runs already (a running loop re-reads the log). */
  private pump(topic: string, partition: number): void {
    const key = `${topic}/${partition}`;
    if (this.loops.get(key) === this.generation || this.rebalancing) return;
    this.position(topic, partition); // fixes the start of a partition created after the join
    if (this.pauses.isPaused(topic, partition)) return; // resume() pumps it
    this.loops.set(key, this.generation);
    void this.deliver(key, topic, partition, this.generation);
  }

  private async deliver(key: string, topic: string, partition: number, generation: number): Promise<void> {
    const current = () => this.running && !this.rebalancing && generation === this.generation && !this.pauses.isPaused(topic, partition);
    try {
      while (current()) {
        if (this.readFrom(topic, partition, 1).length === 0) return;
        const taken = await this.slots.run(async () => (current() ? this.deliverOnce(topic, partition, generation) : false));
        if (!taken) return;
      }
    } finally {
      // Synchronously with the decision to stop, so an append right after starts a new loop.
      if (this.loops.get(key) === generation) this.loops.delete(key);
    }
  }

  /** Hands one batch of the partition to the core; returns whether any record was taken. */
  private async deliverOnce(topic: string, partition: number, generation: number): Promise<boolean> {
    const key = `${topic}/${partition}`;
    const seeks = this.seeks.get(key);
    const messages = this.readFrom(topic, partition, this.options.fetchSize);
    let resolved: number | undefined;
    const batch: PartitionBatch = {
      topic,
      partition,
      messages,
      resolveOffset: (offset) => {
        resolved = Math.max(resolved ?? -1, Number(offset));
      },
      heartbeat: async () => this.running && !this.rebalancing && generation === this.generation,
    };
    const handled = this.listener!.onBatch(batch);
    this.active.add(handled);
    try {
      await handled;
    } finally {
      this.active.delete(handled);
    }
    if (resolved === undefined) return false; // nothing taken: stopping or rebalancing
    if (generation === this.generation && seeks === this.seeks.get(key)) this.positions.set(key, resolved + 1);
    return true;
  }

  /** At most `max` records of the partition from its position, as the group's isolation shows them. */
  private readFrom(topic: string, partition: number, max: number): KafkaMessage[] {
    return this.broker.read(topic, partition, this.position(topic, partition), max, this.options.isolation ?? 'read_committed');
  }

  private async settleActive(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }
}

/** Committed offsets, log bounds and offsets by timestamp of an {@link InMemoryBroker} (no retention: logs start at 0). */
function inMemoryOffsetReader(broker: InMemoryBroker): TopicOffsetReader {
  const partitions = (topic: string) => Array.from({ length: broker.partitionCount(topic) }, (_, partition) => partition);
  return {
    fetchOffsets: async (groupId, topics) =>
      topics.map((topic) => ({
        topic,
        partitions: partitions(topic).map((partition) => ({ partition, offset: broker.committed(groupId, topic, partition) ?? '-1' })),
      })),
    fetchTopicOffsets: async (topic) =>
      partitions(topic).map((partition) => ({ partition, low: '0', high: String(broker.endOffset(topic, partition)) })),
    fetchTopicOffsetsByTimestamp: async (topic, timestamp): Promise<PartitionStartOffset[]> =>
      partitions(topic).map((partition) => {
        const first = broker.messages(topic, partition).find((m) => Number(m.timestamp) >= timestamp);
        return { partition, offset: first ? first.offset : String(broker.endOffset(topic, partition)) };
      }),
  };
}
