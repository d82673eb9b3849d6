/**
 * Acknowledged means written, on the real three-node cluster: with acks 'all', keyed records over
 * 12 partitions (replication 3) are sent by awaiting callers while the broker leading the most
 * partitions is SIGKILLed and later restarted. No send may fail, and every record whose send
 * resolved must be readable from offset 0 afterwards (read with a plain kafkajs consumer).
 * kafkajs 2.2.4 alone can lose such records when a partition's leadership moves to a broker that
 * already answered (kafkajs#1303).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { silentLogger, type KafkaLogger } from '../../../lib/core/logger.js';
import { startCluster, type KafkaTestCluster } from '../../support/cluster.js';
import { eventually } from '../../support/eventually.js';
import { createTopic, uniqueName } from '../../support/env.js';

const PARTITIONS = 12;
const SENDERS = 12;
const KEYS = 240;

/** A kafkajs client that talks to `broker` first and gives up at once (for metadata polls). */
function clientOf(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'failover-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

/** Leader of each partition of `topic` as `broker` sees it (-1 or absent when it has none). */
async function leadersSeenBy(broker: string, topic: string): Promise<Map<number, number>> {
  const admin = clientOf([broker]).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(metadata.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

/** Reads the topic from offset 0 until every value of `expected` was seen; returns those never seen. */
async function unreadable(brokers: string[], topic: string, expected: readonly string[], timeoutMs: number): Promise<string[]> {
  const seen = new Set<string>();
  const missing = () => expected.filter((v) => !seen.has(v));
  const consumer = new Kafka({ clientId: 'failover-readback', brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: uniqueName('failover-readback'),
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) seen.add(String(m.value));
      },
    });
    await eventually('every acknowledged record read back', () => missing().length === 0, timeoutMs, 200).catch(() => undefined);
    return missing();
  } finally {
    await consumer.disconnect();
  }
}

describe('producer: leader fail-over with acks all (3-node cluster)', () => {
  let cluster: KafkaTestCluster;

  before(async () => {
    cluster = await startCluster(3);
  });
  after(async () => {
    await cluster?.close();
  });

  it('every acknowledged record is readable after the leader of most partitions is SIGKILLed and restarted', async (t) => {
    const topic = uniqueName('producer-failover');
    await createTopic(topic, PARTITIONS, cluster.brokers, 3);
    const initial = await leadersSeenBy(cluster.brokers[0]!, topic);
    const ledBy = new Map<number, number>();
    for (const leader of initial.values()) ledBy.set(leader, (ledBy.get(leader) ?? 0) + 1);
    const victim = [...ledBy].sort((a, b) => b[1] - a[1])[0]![0];

    let resends = 0;
    const logger: KafkaLogger = {
      ...silentLogger,
      warn: (message) => {
        if (message.includes('resending')) resends++;
      },
    };
    // Default retry settings: kafkajs gives up within a second, but deliveryTimeoutMs (30 s) sends
    // each batch again until the dead broker is fenced and a new leader takes it.
    const producer = new KafkaProducer({ brokers: cluster.brokers, topic, acks: 'all', logger, requestTimeout: 5_000 });
    const emitted: string[] = [];
    producer.errors.on((e) => emitted.push(e.message));
    await producer.waitUntilInitialised();

    const acked: string[] = [];
    let failed = 0;
    let phase: 'before' | 'down' | 'restarted' = 'before';
    const ackedIn = { before: 0, down: 0, restarted: 0 };
    let stop = false;
    const sender = async (id: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const value = `s${id}-${i}`;
        const sentIn = phase;
        try {
          await producer.sendBytes(value, { key: `key-${(id * 7919 + i) % KEYS}` });
          acked.push(value);
          ackedIn[sentIn]++;
        } catch {
          failed++;
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, (_, id) => sender(id));
    try {
      await eventually('records acknowledged before the kill', () => acked.length >= 300, 20_000);
      await cluster.killNode(victim);
      phase = 'down';
      const atKill = acked.length;
      await eventually('the producer acknowledging again without the killed broker', () => acked.length >= atKill + 300, 30_000);
      await cluster.startNode(victim);
      phase = 'restarted';
      const atRestart = acked.length;
      await eventually('records acknowledged after the restart', () => acked.length >= atRestart + 300, 20_000);
    } finally {
      stop = true;
      await Promise.all(senders);
      await producer.close();
    }

    t.diagnostic(
      `victim node ${victim} led ${ledBy.get(victim)} of ${PARTITIONS} partitions; acked ${acked.length} ` +
        `(${ackedIn.before} before, ${ackedIn.down} while down, ${ackedIn.restarted} after restart), failed ${failed}, resends ${resends}`,
    );
    assert.ok(ackedIn.down > 0, 'sends were acknowledged while the victim was down');
    assert.equal(failed, 0, `no send failed over the fail-over; errors: ${emitted.slice(0, 3).join(' | ')}`);
    const lost = await unreadable(cluster.brokers, topic, acked, 30_000);
    assert.deepEqual(lost.slice(0, 20), [], `${lost.length} acknowledged record(s) are not in the topic`);
  });
});
