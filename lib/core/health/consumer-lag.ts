import type { Admin } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import { describeCause } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { PartitionLag, ResolvedHealthConnection } from './health-types.js';

/** A consumer group's lag per partition and in total. */
export interface GroupLag {
  /** Per partition of the group's topics, by topic then partition. */
  readonly partitions: readonly PartitionLag[];
  /** The sum of the partitions' lag. */
  readonly total: number;
}

/** Where {@link computeLag} reads offsets from (kafkajs' admin, or a test double). */
export interface OffsetSource {
  /** Committed offsets of the group (`-1` = none). */
  fetchOffsets(
    groupId: string,
    topics: readonly string[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  /** Log start and end offsets of a topic's partitions. */
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
}

/**
 * Lag per partition: log end minus the group's committed offset; with no commit yet, the records
 * in the log (end minus start), an upper bound of what the group will read.
 */
export async function computeLag(source: OffsetSource, groupId: string, topics: readonly string[]): Promise<GroupLag> {
  const [committed, ...ends] = await Promise.all([source.fetchOffsets(groupId, topics), ...topics.map((t) => source.fetchTopicOffsets(t))]);
  const partitions: PartitionLag[] = [];
  topics.forEach((topic, i) => {
    const commits = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of [...(ends[i] ?? [])].sort((a, b) => a.partition - b.partition)) {
      const commit = commits.find((p) => p.partition === end.partition)?.offset;
      const hasCommit = commit !== undefined && BigInt(commit) >= 0n;
      const from = hasCommit ? BigInt(commit) : BigInt(end.low);
      const lag = BigInt(end.high) - from;
      partitions.push({
        topic,
        partition: end.partition,
        committedOffset: hasCommit ? commit : null,
        highWatermark: end.high,
        lag: Number(lag > 0n ? lag : 0n),
      });
    }
  });
  return { partitions, total: partitions.reduce((sum, p) => sum + p.lag, 0) };
}

/**
 * Reads group lag through one kafkajs admin client, connected on first use and kept for the
 * next checks; dropped after a failure so the next read reconnects.
 */
export class LagReader {
  private admin: Admin | undefined;

  constructor(private readonly connection: ResolvedHealthConnection) {}

  /** Lag of `groupId` on `topics`; rejects with the cause when offsets cannot be read. */
  async read(groupId: string, topics: readonly string[]): Promise<GroupLag> {
    try {
      const admin = await this.connected();
      return await computeLag(
        {
          fetchOffsets: (group, ts) => admin.fetchOffsets({ groupId: group, topics: [...ts] }),
          fetchTopicOffsets: (topic) => admin.fetchTopicOffsets(topic),
        },
        groupId,
        topics,
      );
    } catch (error) {
      await this.close();
      throw new Error(`consumer lag unavailable: ${describeCause(error)}`, { cause: error });
    }
  }

  /** Disconnects the admin client. Never rejects. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Admin> {
    if (this.admin) return this.admin;
    // Lag is a detail of the report: its failures are reported there, not logged per check.
    const client = createKafkaClient({ ...this.connection, kafkaJsLogLevel: 'nothing' }, silentLogger);
    const admin = client.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 } });
    this.admin = admin;
    await admin.connect();
    return admin;
  }
}
