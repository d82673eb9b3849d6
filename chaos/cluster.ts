/**
 * The cluster side of a scenario: the harness's 3-node KRaft cluster (or one node on a fixed port
 * for C5), who leads what, and
 * the read-back that counts what really is in a topic. All of it with raw kafkajs, never with the
 * code under test.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster } from '../scripts/kafka/cluster.js';
import type { EmbeddedKafka } from '../scripts/kafka/embedded-kafka.js';
import { killBrokersOnSignals } from '../scripts/kafka/registry.js';

/** Starts the 3-node cluster; brokers are killed if this process is interrupted. */
export async function startChaosCluster(): Promise<EmbeddedKafka> {
  killBrokersOnSignals();
  return startKafkaCluster(3);
}

/** A raw kafkajs client (verification and set-up only). */
export function rawKafka(brokers: readonly string[], clientId = 'chaos-check'): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
}

/** Partition leaders of a topic, by partition. */
export async function leaders(brokers: readonly string[], topic: string): Promise<Map<number, number>> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map((metadata.topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

/** The node leading the most partitions of `topic` (the lowest id on a tie). */
export async function leaderOfMost(brokers: readonly string[], topic: string): Promise<{ nodeId: number; partitions: number }> {
  const counts = new Map<number, number>();
  for (const leader of (await leaders(brokers, topic)).values()) counts.set(leader, (counts.get(leader) ?? 0) + 1);
  const [nodeId, partitions] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [1, 0];
  return { nodeId, partitions };
}

/** Java's `String.hashCode`, which Kafka uses to place a group on a `__consumer_offsets` partition. */
function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The node coordinating `groupId`: leader of partition `abs(hash) % n` of `__consumer_offsets`. */
export async function groupCoordinator(brokers: readonly string[], groupId: string): Promise<number> {
  const offsetsTopic = await leaders(brokers, '__consumer_offsets');
  if (offsetsTopic.size === 0) throw new Error('__consumer_offsets has no partitions yet');
  const partition = (javaHashCode(groupId) & 0x7fffffff) % offsetsTopic.size;
  return offsetsTopic.get(partition)!;
}

/** What a topic holds, read from offset 0 to the end of every partition. */
export interface TopicContents {
  /** Occurrences of each record id (the `chaos-id` header). */
  readonly ids: Map<number, number>;
  /** Records without a readable id. */
  readonly withoutId: number;
  /** Where each id was found first: partition and offset. */
  readonly where: Map<number, { partition: number; offset: string }>;
  readonly records: number;
}

/** Header that carries the record id in every scenario. */
export const ID_HEADER = 'chaos-id';

/**
 * Reads every partition of `topic` from offset 0 to its end offset (taken before reading) with a
 * raw kafkajs consumer in a fresh group, and counts record ids.
 */
export async function readTopic(brokers: readonly string[], topic: string, timeoutMs = 120_000): Promise<TopicContents> {
  const kafka = rawKafka(brokers, 'chaos-read-back');
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const ids = new Map<number, number>();
  const where = new Map<number, { partition: number; offset: string }>();
  let withoutId = 0;
  let records = 0;
  const remaining = new Set([...ends.entries()].filter(([, end]) => end > 0n).map(([p]) => p));
  if (remaining.size === 0) return { ids, withoutId, where, records };
  const consumer = kafka.consumer({ groupId: `chaos-read-back-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`read-back of ${topic} did not reach the end of partitions ${[...remaining].join(', ')} within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition) ?? 0n;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= end) break;
              records++;
              const raw = m.headers?.[ID_HEADER];
              const text = (Array.isArray(raw) ? raw[0] : raw)?.toString();
              const id = text === undefined ? Number.NaN : Number(text);
              if (!Number.isInteger(id)) {
                withoutId++;
                continue;
              }
              ids.set(id, (ids.get(id) ?? 0) + 1);
              if (!where.has(id)) where.set(id, { partition: batch.partition, offset: m.offset });
            }
            const last = batch.messages.at(-1);
            if (last !== undefined && BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { ids, withoutId, where, records };
}
