/**
 * Health on a real three-node cluster, one scenario in order (one cluster start, one node
 * outage, to keep the file short): all up → OK; node 3 stopped → WARNING with
 * minBrokersHealthy 2, CRITICAL with 3 and with a second dead address; node 3 back → OK. A
 * consumer group subscribed to the producer's health stops consuming during the outage and
 * resumes after it with every message handled.
 *
 * Why CRITICAL is reached without stopping two nodes: stopping 2 of 3 KRaft controllers loses
 * the quorum and the cluster would not come back. "Fewer healthy than required" is the same rule
 * whether two real nodes are down, or one is down and the requirement is three, or one is down
 * and the list holds a second address nobody listens on; the last two are what is tested.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { KafkaHealthChecker, type HealthCheckerTarget } from '../../../lib/core/health/health-checker.js';
import { createConsumerGroupHealthChecker } from '../../../lib/core/health/owner-checkers.js';
import type { HealthReport, HealthStatus } from '../../../lib/core/health/health-types.js';
import { subscribeToHealth } from '../../../lib/core/health/subscription.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { rawKafka, uniqueName } from '../../support/env.js';
import { startThreeNodeCluster } from './three-node-cluster.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, read: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await read())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(200);
  }
}

async function statusBecomes(checker: KafkaHealthChecker, status: HealthStatus, ms = 30_000): Promise<HealthReport> {
  let last: HealthReport | undefined;
  await eventually(`status ${status} (last: ${last?.status} ${last?.message})`, async () => (last = await checker.check()).status === status, ms);
  return last!;
}

/** An address on which nothing listens (bound, then released). */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `127.0.0.1:${port}`;
}

describe('health on a three-node cluster', { timeout: 120_000 }, () => {
  let cluster: EmbeddedKafka;
  let brokers: string[];
  const topic = uniqueName('health');
  const groupName = uniqueName('health-group');
  const checkers: KafkaHealthChecker[] = [];
  const handled = new Set<string>();
  let group: KafkaConsumerGroup;
  let unsubscribe: () => void = () => {};

  const checker = (over: Partial<HealthCheckerTarget> = {}) => {
    const c = new KafkaHealthChecker(
      { subject: 'producer', connection: { brokers }, topics: [topic], minBrokersHealthy: 2, isInitialised: () => true, ...over },
      { cacheTtlMs: 0, brokerTimeoutMs: 2_000 },
    );
    checkers.push(c);
    return c;
  };

  const produce = async (from: number, count: number) => {
    const producer = rawKafka(brokers).producer();
    await producer.connect();
    try {
      const messages = Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` }));
      await producer.send({ topic, messages, acks: -1 });
    } finally {
      await producer.disconnect();
    }
  };

  before(async () => {
    cluster = await startThreeNodeCluster();
    brokers = cluster.brokers;
    const admin = rawKafka(brokers).admin();
    await admin.connect();
    // waitForLeaders is not used: kafkajs 2.2.4 gives up on UNKNOWN_TOPIC_OR_PARTITION while the
    // new topic propagates; the first test waits for every broker to know it instead.
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
    await admin.disconnect();
  });

  after(async () => {
    unsubscribe();
    await group?.close({ timeout: 10_000 });
    await Promise.all(checkers.map((c) => c.close()));
    await cluster?.close();
  });

  it('all brokers up: OK, every broker reachable with the topic', async () => {
    const report = await statusBecomes(checker(), 'OK');
    assert.equal(report.message, 'kafka producer is healthy');
    assert.deepEqual(
      report.brokers.map((b) => [b.address, b.reachable, b.hasTopic]),
      brokers.map((a) => [a, true, true]),
    );
  });

  it('not initialised: WARNING without contacting a broker', async () => {
    const report = await checker({ subject: 'consumer-group', isInitialised: () => false, consumerGroup: { groupName, state: () => 'Initialising' } }).check();
    assert.equal(report.status, 'WARNING');
    assert.equal(report.message, 'kafka consumer-group is not initialised');
    assert.deepEqual(report.brokers, []);
  });

  it('a subscribed consumer group consumes while the producer side is healthy', async () => {
    group = new KafkaConsumerGroup({ brokers, topic, groupName, logger: silentLogger, kafkaJsLogLevel: 'nothing', minRetryPeriod: 200, maxRetryPeriod: 1_000 });
    group.registerHandler(async (message) => {
      handled.add(message.value?.toString() ?? '');
    });
    // Follows the health of "all three brokers" so that one node down is CRITICAL for it.
    const followed = checker({ minBrokersHealthy: 3 });
    unsubscribe = subscribeToHealth(group, followed, { interval: 250, upAfter: 2, downAfter: 1 });
    await produce(0, 20);
    await eventually('20 messages handled', () => handled.size === 20);
    assert.equal(group.state, ConsumerState.Consuming);
  });

  it('node 3 stopped: WARNING with minBrokersHealthy 2 naming it; CRITICAL with 3 or a second dead address', async () => {
    const node3 = brokers[2]!;
    await cluster.stopNode(3);
    const warning = await statusBecomes(checker(), 'WARNING', 15_000);
    assert.equal(warning.message, `broker(s) not reachable at: [${node3}]`);
    // The probe really went to node 3: a cluster-level client would have been answered by another node.
    assert.deepEqual(
      warning.brokers.map((b) => b.reachable),
      [true, true, false],
    );

    const strict = await checker({ minBrokersHealthy: 3 }).check();
    assert.equal(strict.status, 'CRITICAL');
    const dead = await deadAddress();
    const twoDown = await checker({ connection: { brokers: [...brokers, dead] }, minBrokersHealthy: 3 }).check();
    assert.equal(twoDown.status, 'CRITICAL');
    assert.equal(twoDown.message, `broker(s) not reachable at: [${node3} ${dead}]`);
  });

  it('the subscribed group stopped and consumes nothing during the outage', async () => {
    await eventually('group stopped', () => group.state === ConsumerState.Stopped, 20_000);
    await produce(20, 20);
    await wait(2_000);
    assert.equal(handled.size, 20, 'no message handled while health is CRITICAL');
    assert.equal(group.state, ConsumerState.Stopped);
  });

  it('node 3 back: OK again, and the group resumes with every message handled', async () => {
    await cluster.startNode(3);
    const report = await statusBecomes(checker(), 'OK', 30_000);
    assert.equal(report.message, 'kafka producer is healthy');
    await eventually('40 messages handled', () => handled.size === 40, 30_000);
    for (let i = 0; i < 40; i++) assert.ok(handled.has(`m${i}`), `m${i} handled`);
  });

  it("the group's own checker reports its state and zero lag once everything is committed", async () => {
    const own = createConsumerGroupHealthChecker(group, { cacheTtlMs: 0 });
    checkers.push(own);
    let report: HealthReport | undefined;
    await eventually(`lag 0 (last: ${JSON.stringify(report?.consumerGroup)})`, async () => {
      report = await own.check();
      return report.status === 'OK' && report.consumerGroup?.totalLag === 0;
    });
    assert.equal(report!.message, 'kafka consumer group is healthy');
    assert.equal(report!.consumerGroup?.state, 'Consuming');
    assert.deepEqual(
      report!.consumerGroup?.lag?.map((p) => [p.partition, p.lag]),
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    );
    const committed = report!.consumerGroup!.lag!.reduce((sum, p) => sum + Number(p.committedOffset ?? 0), 0);
    assert.equal(committed, 40, 'committed offsets account for all 40 messages');
  });
});
