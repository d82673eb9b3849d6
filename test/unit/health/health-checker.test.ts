import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataSource } from '../../../lib/core/health/broker-probe.js';
import { KafkaHealthChecker, type HealthCheckerTarget } from '../../../lib/core/health/health-checker.js';
import type { RawMetadata } from '../../../lib/core/health/single-broker-connection.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';

const withTopic = (topic: string): RawMetadata => ({
  brokers: [],
  topicMetadata: [{ topic, topicErrorCode: 0, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0 }] }],
});

/** Counts metadata requests per address; addresses in `dead` refuse connections. */
function fakeCluster(dead: Set<string> = new Set()) {
  const calls = new Map<string, number>();
  const connectTo = (address: string): MetadataSource => ({
    async fetchMetadata(topics) {
      calls.set(address, (calls.get(address) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
      if (dead.has(address)) throw new Error(`connect ECONNREFUSED ${address}`);
      return withTopic(topics[0]!);
    },
    async close() {},
  });
  return { calls, connectTo, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

const target = (over: Partial<HealthCheckerTarget> = {}): HealthCheckerTarget => ({
  subject: 'producer',
  connection: { brokers: ['a:1', 'b:2', 'c:3'] },
  topics: ['orders'],
  minBrokersHealthy: 2,
  isInitialised: () => true,
  ...over,
});

describe('KafkaHealthChecker', () => {
  it('not initialised: WARNING with the seed message and no broker contacted', async () => {
    const cluster = fakeCluster();
    const producer = new KafkaHealthChecker(target({ isInitialised: () => false }), {}, cluster.connectTo);
    const group = new KafkaHealthChecker(
      target({ subject: 'consumer-group', isInitialised: () => false, consumerGroup: { groupName: 'g', state: () => 'Initialising' } }),
      {},
      cluster.connectTo,
    );
    const [p, g] = [await producer.check(), await group.check()];
    assert.equal(p.status, 'WARNING');
    assert.equal(p.message, 'kafka producer is not initialised');
    assert.equal(g.status, 'WARNING');
    assert.equal(g.message, 'kafka consumer-group is not initialised');
    assert.equal(g.consumerGroup?.state, 'Initialising');
    assert.equal(cluster.total(), 0);
  });

  it('all brokers healthy: OK; one dead with minBrokersHealthy 2: WARNING; two dead: CRITICAL', async () => {
    const dead = new Set<string>();
    const cluster = fakeCluster(dead);
    const checker = new KafkaHealthChecker(target(), { cacheTtlMs: 0 }, cluster.connectTo);
    assert.deepEqual([(await checker.check()).status, (await checker.check()).message], ['OK', 'kafka producer is healthy']);
    dead.add('c:3');
    const warning = await checker.check();
    assert.equal(warning.status, 'WARNING');
    assert.equal(warning.message, 'broker(s) not reachable at: [c:3]');
    assert.equal(warning.brokers.find((b) => b.address === 'c:3')?.reason, 'connect ECONNREFUSED c:3');
    dead.add('b:2');
    assert.equal((await checker.check()).status, 'CRITICAL');
    await checker.close();
  });

  it('caches a report for cacheTtlMs and shares one in-flight check', async () => {
    const cluster = fakeCluster();
    const checker = new KafkaHealthChecker(target(), { cacheTtlMs: 60_000 }, cluster.connectTo);
    const reports = await Promise.all([checker.check(), checker.check(), checker.check()]);
    assert.equal(cluster.total(), 3, 'one probe per broker for three concurrent calls');
    assert.equal(reports[0], reports[2]);
    await checker.check();
    assert.equal(cluster.total(), 3, 'served from the cache');
    await checker.close();
  });

  it('after close reports CRITICAL and probes nothing', async () => {
    const cluster = fakeCluster();
    const checker = new KafkaHealthChecker(target(), {}, cluster.connectTo);
    await checker.close();
    const report = await checker.check();
    assert.equal(report.status, 'CRITICAL');
    assert.equal(report.message, 'kafka producer is closed');
    assert.equal(cluster.total(), 0);
  });

  it('rejects bad options with one KafkaConfigError naming each field', () => {
    assert.throws(
      () => new KafkaHealthChecker(target({ topics: [], minBrokersHealthy: 0 }), { cacheTtlMs: -1, partialStatus: 'MAYBE' as 'OK' }),
      (e: unknown) =>
        e instanceof KafkaConfigError &&
        ['topics', 'minBrokersHealthy', 'health.cacheTtlMs', 'health.partialStatus'].every((f) => e.problems.some((p) => p.field === f)),
    );
  });
});
