/**
 * Commits follow the group coordinator when its broker stops (issue 14, chaos C4), on the real
 * three-node cluster: a member consuming a replicated topic keeps committing while the broker that
 * coordinates its group is stopped gracefully, without a crash-restart and without handling any
 * record twice. kafkajs 2.2.4 alone keeps sending commits and heartbeats to the stopped broker
 * ("Broker N not found in the cached metadata") until its retries run out and the consumer crashes;
 * the restart then handled everything finished since the last commit again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { groupCoordinator } from '../../../chaos/cluster.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { startCluster, type KafkaTestCluster } from '../../support/cluster.js';
import { eventually } from '../../support/eventually.js';
import { committedOffsets, createTopic, rawKafka, uniqueName } from '../../support/env.js';

const PARTITIONS = 3;
const BEFORE = 600;
const DURING = 600;

let cluster: KafkaTestCluster | undefined;
let group: KafkaConsumerGroup | undefined;
before(async () => {
  cluster = await startCluster(3);
});
after(async () => {
  await group?.close({ timeout: 10_000 });
  await cluster?.close();
});

async function send(brokers: string[], topic: string, from: number, count: number): Promise<void> {
  // Idempotent: a retried send must not write a record twice (records are counted by n).
  const producer = rawKafka(brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let n = from; n < from + count; n += 100) {
      const messages = Array.from({ length: Math.min(100, from + count - n) }, (_, i) => ({
        key: `k${(n + i) % 17}`,
        value: JSON.stringify({ n: n + i }),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

describe('consumer group when its coordinator broker stops (3-node cluster)', () => {
  it('finds the new coordinator and keeps committing: no crash, nothing handled twice', { timeout: 120_000 }, async () => {
    const brokers = cluster!.brokers;
    const topic = uniqueName('coordinator-move');
    const groupName = `${topic}-group`;
    await createTopic(topic, PARTITIONS, brokers, 3);

    const handled = new Map<number, number>();
    const errors: KafkaError[] = [];
    group = new KafkaConsumerGroup({
      brokers,
      topic,
      groupName,
      logger: silentLogger,
      numWorkers: 2,
      minRetryPeriod: 100,
      maxRetryPeriod: 1_000,
    });
    group.errors.on((e) => errors.push(e));
    group.registerHandler(async (m) => {
      const { n } = JSON.parse(String(m.value)) as { n: number };
      handled.set(n, (handled.get(n) ?? 0) + 1);
    });
    await group.start();
    await eventually('the member consuming', () => group!.state === ConsumerState.Consuming, 40_000);
    let joins = 0;
    group.onStateChange((state) => {
      if (state === ConsumerState.Starting) joins++;
    });

    await send(brokers, topic, 0, BEFORE);
    await eventually(`the first ${BEFORE} handled`, () => handled.size === BEFORE, 30_000);
    const coordinator = await groupCoordinator(brokers, groupName);
    await cluster!.stopNode(coordinator);
    const remaining = brokers.filter((_, i) => i + 1 !== coordinator);

    await send(remaining, topic, BEFORE, DURING);
    const total = BEFORE + DURING;
    await eventually(`all ${total} handled (have ${handled.size})`, () => handled.size === total, 30_000);
    // Committed at each partition's end while the old coordinator is still down.
    const admin = rawKafka(remaining).admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    await admin.disconnect();
    await eventually(
      'every partition committed at its end with the coordinator moved',
      async () => {
        const offsets = await committedOffsets(groupName, topic, remaining).catch(() => new Map<number, string>());
        return [...ends].every(([p, end]) => offsets.get(p) === end);
      },
      30_000,
    );

    const twice = [...handled].filter(([, count]) => count > 1).map(([n]) => n);
    const crashes = errors.filter((e) => /error consuming/.test(e.message)).map((e) => e.message);
    const refused = errors.filter((e) => /commit/.test(e.message)).map((e) => e.message);
    console.log(
      `# coordinator node ${coordinator} stopped: ${total} records, ${twice.length} handled twice, ${crashes.length} crashes, ${refused.length} failed commits, ${joins} rejoins`,
    );
    assert.deepEqual(twice.slice(0, 20), [], `no record handled twice (${twice.length} were)`);
    assert.deepEqual(crashes, [], 'the consumer did not crash');
    assert.deepEqual(refused, [], 'no commit failed for good');
  });
});
