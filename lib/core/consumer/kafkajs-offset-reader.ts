import type { Admin, Kafka } from 'kafkajs';
import type { PartitionStartOffset, TopicOffsetReader } from './transport.js';

/**
 * {@link TopicOffsetReader} over one kafkajs admin client of the group's own client, connected on
 * first use and kept; dropped after a failure so the next read reconnects. Lag and seek by
 * timestamp are occasional, so the group opens no admin connection until one is asked for.
 */
export class KafkaJsOffsetReader implements TopicOffsetReader {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly client: Kafka) {}

  fetchOffsets(
    groupId: string,
    topics: readonly string[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    return this.withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [...topics] }));
  }

  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]> {
    return this.withAdmin((admin) => admin.fetchTopicOffsets(topic));
  }

  fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionStartOffset[]> {
    // kafkajs answers the log end (high watermark) for partitions with no record that late.
    return this.withAdmin((admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
  }

  /** Disconnects the admin client, if one was opened. Never rejects. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async withAdmin<T>(read: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = (this.admin ??= this.connect());
    try {
      return await read(await admin);
    } catch (error) {
      if (this.admin === admin) await this.close();
      throw error;
    }
  }

  private async connect(): Promise<Admin> {
    const admin = this.client.admin({ retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 } });
    await admin.connect();
    return admin;
  }
}
