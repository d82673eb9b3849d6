import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { logLevel, Kafka, type Admin } from 'kafkajs';
import { createTopic, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { startCluster, type KafkaTestCluster } from '../../support/cluster.js';

async function partitionState(admin: Admin, topic: string): Promise<{ leader: number; isr: number[] }> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partition = metadata.topics[0]!.partitions.find((p) => p.partitionId === 0)!;
  return { leader: partition.leader, isr: partition.isr };
}

describe('harness: three-node cluster', () => {
  let cluster: KafkaTestCluster;

  before(async () => {
    cluster = await startCluster(3);
  });
  after(async () => {
    await cluster?.close();
  });

  it('starts three nodes that all appear in the cluster metadata', async () => {
    assert.equal(cluster.brokers.length, 3);
    assert.deepEqual(
      cluster.nodes.map((n) => [n.nodeId, n.running]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
  });

  it('stops a node gracefully and starts it again on the same address', async () => {
    const node = cluster.nodes.find((n) => n.nodeId === 3)!;
    await cluster.stopNode(3);
    assert.equal(cluster.nodes.find((n) => n.nodeId === 3)?.running, false);
    await cluster.startNode(3);
    const restarted = cluster.nodes.find((n) => n.nodeId === 3)!;
    assert.equal(restarted.running, true);
    assert.deepEqual(restarted.addresses, node.addresses);
    const admin = new Kafka({ clientId: 'harness-restart', brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // The node answers before the controller has registered it again: wait for the metadata.
      let seen = 0;
      await eventually(
        () => `3 brokers in the cluster metadata (last: ${seen})`,
        async () => (seen = (await admin.describeCluster()).brokers.length) === 3,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('loses no acknowledged message when the partition leader is killed and restarted', async () => {
    const topic = uniqueName('harness-failover');
    const kafka = new Kafka({
      clientId: 'harness-failover',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: uniqueName('harness-failover-group'), sessionTimeout: 10_000 });
    const received = new Set<string>();
    const acked: string[] = [];
    const produce = async (phase: string, count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const value = `${phase}-${i}`;
        await producer.send({ topic, acks: -1, messages: [{ value }] });
        acked.push(value);
      }
    };
    try {
      await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
      // Not kafkajs' waitForLeaders: it asks one broker, and metadata reaches the others later, so
      // the next metadata call (subscribe) could get UNKNOWN_TOPIC_OR_PARTITION. createTopic asks
      // every broker; then the ISR is polled (a metadata call failing meanwhile is "not yet").
      await createTopic(topic, 1, cluster.brokers, 3);
      let initial = { leader: -1, isr: [] as number[] };
      await eventually(
        'three in-sync replicas',
        async () => {
          initial = await partitionState(admin, topic).catch(() => initial);
          return initial.isr.length === 3;
        },
        30_000,
        250,
      );
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.add(String(message.value));
        },
      });

      await produce('before', 20);
      await cluster.killNode(initial.leader);
      assert.equal(cluster.nodes.find((n) => n.nodeId === initial.leader)?.running, false);
      await produce('during', 20);
      const moved = await partitionState(admin, topic);
      assert.notEqual(moved.leader, initial.leader, 'leadership moved away from the killed node');

      await cluster.startNode(initial.leader);
      await produce('after', 20);
      await eventually(
        'the restarted node back in the ISR',
        async () => (await partitionState(admin, topic).catch(() => ({ isr: [] as number[] }))).isr.includes(initial.leader),
        60_000,
        250,
      );
      await eventually('every acknowledged message consumed', () => acked.every((v) => received.has(v)), 60_000, 250);
      assert.equal(acked.length, 60);
      assert.deepEqual(
        acked.filter((v) => !received.has(v)),
        [],
      );
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });
});
