/**
 * Health on a real three-node cluster, one scenario in order (one cluster start, one node
 * outage, to keep the file short): all up → OK; node 3 stopped → WARNING with
 * minBrokersHealthy 2, CRITICAL with 3 and with a second dead address; node 3 back → OK. Then a
 * consumer group subscribed to the health of the producer of its output topic stops consuming
 * while that topic is gone (CRITICAL) and resumes once it is back, with every message handled.
 *
 * The subscription is driven by the output topic rather than by the node outage because kafkajs
 * 2.2.4 can spin forever (100 % CPU, event loop blocked) when a consumer is stopped at the moment
 * it notices a broker leaving the cluster: its fetch manager restarts fetchers for the new broker
 * set while the runner is stopped, and their fetch returns at once. That is a consumer-transport
 * problem, reported separately; this file keeps the health logic observable without tripping it.
 *
 * Why CRITICAL is reached without stopping two nodes: stopping 2 of 3 KRaft controllers loses
 * the quorum and the cluster would not come back. "Fewer healthy than required" is the same rule
 * whether two real nodes are down, or one is down and the requirement is three, or one is down
 * and the list holds a second address nobody listens on; the last two are what is tested.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { KafkaHealthChecker, type HealthCheckerTarget } from '../../../lib/core/health/health-checker.js';
import type { HealthReport, HealthStatus } from '../../../lib/core/health/health-types.js';
import { subscribeToHealth } from '../../../lib/core/health/subscription.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { rawKafka, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { startCluster, type KafkaTestCluster } from '../../support/cluster.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function statusBecomes(
  checker: KafkaHealthChecker,
  status: HealthStatus,
  ms = 30_000,
  also: (report: HealthReport) => boolean = () => true,
): Promise<HealthReport> {
  let last: HealthReport | undefined;
  await eventually(
    () => `status ${status} (last: ${last?.status} ${last?.message})`,
    async () => {
      last = await checker.check();
      return last.status === status && also(last);
    },
    ms,
  );
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
  let cluster: KafkaTestCluster;
  let brokers: string[];
  const topic = uniqueName('health');
  // The topic the consumer's handler would write to; the group follows its producer's health.
  const output = uniqueName('health-output');
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

  // waitForLeaders is not used: kafkajs 2.2.4 gives up on UNKNOWN_TOPIC_OR_PARTITION while a new
  // topic propagates; the tests wait until every broker knows it instead.
  const createTopics = async (...names: string[]) => {
    const admin = rawKafka(brokers).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: names.map((t) => ({ topic: t, numPartitions: 3, replicationFactor: 3 })), waitForLeaders: false });
    } finally {
      await admin.disconnect();
    }
  };

  before(async () => {
    cluster = await startCluster(3);
    brokers = cluster.brokers;
    await createTopics(topic);
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

  it('reuses one connection per broker across checks and closes them on close()', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const reused = new KafkaHealthChecker(
      { subject: 'producer', connection: { brokers }, topics: [topic], minBrokersHealthy: 2, isInitialised: () => true },
      { cacheTtlMs: 0 },
    );
    for (let i = 0; i < 10; i++) assert.equal((await reused.check()).status, 'OK');
    assert.ok(sockets() - before <= brokers.length, `at most one socket per broker after 10 checks (${sockets() - before})`);
    await reused.close();
    await wait(100);
    assert.ok(sockets() <= before, 'no probe socket left after close()');
  });

  it('not initialised: WARNING without contacting a broker', async () => {
    const report = await checker({
      subject: 'consumer-group',
      isInitialised: () => false,
      consumerGroup: { groupName, state: () => 'Initialising' },
    }).check();
    assert.equal(report.status, 'WARNING');
    assert.equal(report.message, 'kafka consumer-group is not initialised');
    assert.deepEqual(report.brokers, []);
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

  it('node 3 back: OK again', async () => {
    await cluster.startNode(3);
    const report = await statusBecomes(checker(), 'OK', 30_000);
    assert.equal(report.message, 'kafka producer is healthy');
  });

  it('a group subscribed to its output producer consumes while that is healthy', async () => {
    await createTopics(output);
    group = new KafkaConsumerGroup({
      brokers,
      topic,
      groupName,
      logger: silentLogger,
      kafkaJsLogLevel: 'nothing',
      minRetryPeriod: 200,
      maxRetryPeriod: 1_000,
    });
    group.registerHandler(async (message) => {
      handled.add(message.value?.toString() ?? '');
    });
    const outputHealth = checker({ topics: [output] });
    await statusBecomes(outputHealth, 'OK');
    unsubscribe = subscribeToHealth(group, outputHealth, { interval: 250, upAfter: 2, downAfter: 1 });
    await produce(0, 20);
    await eventually('20 messages handled', () => handled.size === 20);
    assert.equal(group.state, ConsumerState.Consuming);
  });

  it('the output topic deleted: CRITICAL, the group stops and consumes nothing', async () => {
    const admin = rawKafka(brokers).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [output] });
    await admin.disconnect();
    await eventually('group stopped', () => group.state === ConsumerState.Stopped, 20_000);
    // Brokers learn of the deletion one by one (WARNING, which already stops the group), then CRITICAL.
    // CRITICAL comes as soon as fewer than minBrokersHealthy know the topic; wait for all three.
    const report = await statusBecomes(checker({ topics: [output] }), 'CRITICAL', 15_000, (r) => r.brokers.every((b) => !b.hasTopic));
    assert.equal(report.message, `topic ${output} not available in broker(s): [${brokers.join(' ')}]`);
    await produce(20, 20);
    await wait(2_000);
    assert.equal(handled.size, 20, 'no message handled while the followed health is CRITICAL');
    assert.equal(group.state, ConsumerState.Stopped);
  });

  it('the output topic back: the group resumes and every message is handled', async () => {
    await createTopics(output);
    await eventually('40 messages handled', () => handled.size === 40, 30_000);
    for (let i = 0; i < 40; i++) assert.ok(handled.has(`m${i}`), `m${i} handled`);
    assert.equal(group.state, ConsumerState.Consuming);
  });

  it("the group's own checker reports its state and zero lag once everything is committed", async () => {
    let report: HealthReport | undefined;
    await eventually(`lag 0 (last: ${JSON.stringify(report?.consumerGroup)})`, async () => {
      report = await group.checker();
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
