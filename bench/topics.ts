import { Kafka, logLevel, type Admin } from 'kafkajs';
import { rawKafkaJsCodec } from './compression.js';
import { makePayload, makeVariedPayloads } from './payload.js';
import type { BenchCompression } from './protocol.js';
import { BATCH_CALL_BYTES, BATCH_CALLS_IN_FLIGHT } from './produce-driver.js';

/** Attempts to fill a topic before the case fails. */
const FILL_ATTEMPTS = 5;

/** Topic set-up for the runner: a fresh topic per case, filled fast with raw kafkajs. */
export class BenchTopics {
  private readonly kafka: Kafka;
  private readonly admin: Admin;

  private constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({ clientId: 'bench-runner', brokers: [...brokers], logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  /** Connects an admin client to `brokers`. */
  static async open(brokers: readonly string[]): Promise<BenchTopics> {
    const topics = new BenchTopics(brokers);
    await topics.admin.connect();
    return topics;
  }

  /** Creates `topic` with `partitions` partitions and waits for leaders. */
  async create(topic: string, partitions: number): Promise<void> {
    await this.admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  }

  /** Deletes `topic` (frees the broker's disk between cases); failures are only reported. */
  async delete(topic: string): Promise<void> {
    try {
      await this.admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    } catch (err) {
      process.stderr.write(`bench: could not delete topic ${topic}: ${String(err)}\n`);
    }
  }

  /** Records in `topic`: the sum of its partitions' high watermarks (the topic starts empty). */
  async count(topic: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        return offsets.reduce((sum, p) => sum + Number(p.high), 0);
      } catch (err) {
        // A busy broker sometimes briefly denies hosting a fresh topic's partitions.
        if (attempt >= FILL_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /**
   * Fills `topic` with `messages` bench records. A fresh topic can briefly answer "does not host
   * this topic-partition" (or "not the leader") while its metadata spreads on a busy broker; then
   * what is missing is written again.
   */
  async fill(topic: string, messages: number, recordBytes: number, keys?: number, compression: BenchCompression = 'none'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const missing = messages - (await this.count(topic));
        if (missing <= 0) return;
        await this.write(topic, missing, recordBytes, keys, compression);
      } catch (err) {
        if (attempt >= FILL_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Writes `messages` bench records of `recordBytes` into `topic` with large sendBatch calls; keys `0..keys-1` in turn if given. */
  private async write(
    topic: string,
    messages: number,
    recordBytes: number,
    keys?: number,
    compression: BenchCompression = 'none',
  ): Promise<void> {
    const codec = rawKafkaJsCodec(compression);
    const varied = compression === 'none' ? undefined : makeVariedPayloads(recordBytes, Date.now());
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const perCall = Math.max(1, Math.floor(BATCH_CALL_BYTES / recordBytes));
      let next = 0;
      const caller = async (): Promise<void> => {
        while (next < messages) {
          const n = Math.min(perCall, messages - next);
          const first = next;
          next += n;
          const stamped = makePayload(recordBytes);
          const records = Array.from({ length: n }, (_, i) => {
            const value = varied ? varied[(first + i) % varied.length]! : stamped;
            return keys === undefined ? { value } : { key: String((first + i) % keys), value };
          });
          await producer.sendBatch({ acks: 1, compression: codec, topicMessages: [{ topic, messages: records }] });
        }
      };
      await Promise.all(Array.from({ length: BATCH_CALLS_IN_FLIGHT }, caller));
    } finally {
      await producer.disconnect();
    }
  }

  /** Disconnects the admin client. */
  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
