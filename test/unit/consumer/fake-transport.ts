import type { PartitionOffset } from '../../../lib/core/consumer/offset-tracker.js';
import { PauseSet, type PauseHolder, type TopicPartitions } from '../../../lib/core/consumer/pause-set.js';
import type { ConsumerTransport, PartitionBatch, TopicOffsetReader, TransportListener } from '../../../lib/core/consumer/transport.js';
import { KafkaMessage } from '../../../lib/core/message.js';

/** A scripted, in-memory transport for unit tests of the core (no broker). */
export class FakeTransport implements ConsumerTransport {
  connectCalls = 0;
  runCalls = 0;
  stopCalls = 0;
  disconnectCalls = 0;
  failConnects = 0;
  hangDisconnect = false;
  rebalancing = false;
  readonly commits: PartitionOffset[][] = [];
  readonly resolved: string[] = [];
  readonly log: string[] = [];
  listener: TransportListener | undefined;
  readonly pauses = new PauseSet();
  readonly seeks: string[] = [];
  /** Log end of every partition: 100; nothing committed; timestamps map to offset `timestamp / 1000`. */
  readonly offsets: TopicOffsetReader = {
    fetchOffsets: async (_group, topics) => topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '-1' }] })),
    fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: '100' }],
    fetchTopicOffsetsByTimestamp: async (_topic, timestamp) => [
      { partition: 0, offset: String(Math.min(100, Math.floor(timestamp / 1000))) },
    ],
  };

  async connect(): Promise<void> {
    this.connectCalls++;
    if (this.failConnects > 0) {
      this.failConnects--;
      throw new Error('broker unreachable');
    }
  }

  async run(listener: TransportListener): Promise<void> {
    this.runCalls++;
    this.listener = listener;
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    this.commits.push([...offsets]);
    this.log.push(`commit ${offsets.map((o) => `${o.partition}@${o.offset}`).join(',')}`);
  }

  pause(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.pause(partitions, holder);
    this.log.push(`pause ${JSON.stringify(partitions)}`);
  }

  resume(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.resume(partitions, holder);
    this.log.push(`resume ${JSON.stringify(partitions)}`);
  }

  isPaused(topic: string, partition: number, holder?: PauseHolder): boolean {
    return this.pauses.isPaused(topic, partition, holder);
  }

  seek(topic: string, partition: number, offset: string): void {
    this.seeks.push(`${topic}/${partition}@${offset}`);
    this.log.push(`seek ${topic}/${partition}@${offset}`);
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    this.log.push('stop');
  }

  async disconnect(): Promise<void> {
    this.disconnectCalls++;
    this.log.push('disconnect');
    if (this.hangDisconnect) await new Promise(() => undefined);
  }

  /** Delivers messages with the given offsets of one partition; resolves when the core handled them. */
  deliver(partition: number, offsets: number[], topic = 't'): Promise<void> {
    const batch: PartitionBatch = {
      topic,
      partition,
      messages: offsets.map((o) => new KafkaMessage({ topic, partition, offset: String(o), value: Buffer.from(String(o)) })),
      resolveOffset: (offset) => void this.resolved.push(`${partition}@${offset}`),
      heartbeat: async () => !this.rebalancing,
    };
    if (!this.listener) throw new Error('not running');
    return this.listener.onBatch(batch);
  }

  /** The latest committed position of `partition`, if any. */
  lastCommitted(partition: number): string | undefined {
    let last: string | undefined;
    for (const c of this.commits) for (const o of c) if (o.partition === partition) last = o.offset;
    return last;
  }
}
