import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ConsumerGroupCore } from '../../../lib/core/consumer/consumer-group-core.js';
import { FETCH_FAILURE_PAUSE_HOLDER } from '../../../lib/core/consumer/partition-fetch-retry.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError, LogData } from '../../../lib/core/errors.js';
import type { MetadataSource } from '../../../lib/core/health/broker-probe.js';
import { KafkaHealthChecker } from '../../../lib/core/health/health-checker.js';
import type { HealthReport } from '../../../lib/core/health/health-types.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';
import { FakeTransport, testGroupConfig } from './fake-transport.js';

/**
 * The stall rules (docs/fetch-failures.md) against a stand-in transport whose fetch keeps failing,
 * on mock timers: back-off, one report per episode, health WARNING then CRITICAL then OK, and a
 * failing partition paused alone while the others go on.
 */

const STALL_TIMEOUT = 5_000;
const flush = () => new Promise((resolve) => setImmediate(resolve));

function capturingLogger() {
  const lines: Array<{ level: string; message: string; data: LogData }> = [];
  const at =
    (level: string) =>
    (message: string, data: LogData = {}) =>
      void lines.push({ level, message, data });
  const logger: KafkaLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** A healthy broker for the probe, so only the fetch path decides the status. */
const healthyBroker = (): MetadataSource => ({
  async fetchMetadata(topics) {
    return {
      brokers: [],
      topicMetadata: topics.map((topic) => ({ topic, topicErrorCode: 0, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0 }] })),
    };
  },
  async close() {},
});

async function setup(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const { logger, lines } = capturingLogger();
  const transport = new FakeTransport();
  const config = testGroupConfig({ minRetryPeriod: 100, maxRetryPeriod: 1_600, stallTimeout: STALL_TIMEOUT, commitInterval: 60_000 });
  const group = new ConsumerGroupCore(config, transport, logger);
  const errors: KafkaError[] = [];
  group.errors.on((e) => errors.push(e));
  group.registerHandler(async () => {});
  await group.start();
  await flush();
  await group.waitForState(ConsumerState.Starting);
  // The target createConsumerGroupHealthChecker builds (checker(), Terminus, subscriptions), with a scripted broker.
  const checker = new KafkaHealthChecker(
    {
      subject: 'consumer-group',
      connection: { brokers: ['a:1'] },
      topics: group.topics,
      minBrokersHealthy: 1,
      isInitialised: () => group.isInitialised(),
      consumerGroup: { groupName: group.groupName, state: () => String(group.state), fetchStall: () => group.fetchStall() },
    },
    { includeLag: false, cacheTtlMs: 0 },
    healthyBroker,
  );
  const health = (): Promise<HealthReport> => checker.check();
  const close = async () => {
    await checker.close();
    const closing = group.close();
    t.mock.timers.tick(60_000);
    await closing;
  };
  return { group, transport, errors, lines, health, close };
}

test('a fetch loop that keeps failing backs off (growing, also across group joins), is reported once per episode, and health goes WARNING, CRITICAL, then OK once records flow', async (t) => {
  const { transport, errors, lines, health, close } = await setup(t);
  assert.equal((await health()).status, 'OK', 'nothing failed yet');

  const cause = new Error('LZ4 compression not implemented');
  const delays: number[] = [];
  const attempts: unknown[] = [];
  for (let crash = 1; crash <= 5; crash++) {
    transport.listener!.onGroupJoin({ t: [0, 1] }); // kafkajs joined, then its fetch failed
    transport.listener!.onCrash(cause);
    const entry = crash === 1 ? errors.at(-1)!.logData : lines.filter((l) => l.message.startsWith('error consuming')).at(-1)!.data;
    attempts.push(entry.attempt);
    delays.push(Number(entry.nextDelayMs));
    if (crash === 1) {
      const report = await health();
      assert.equal(report.status, 'WARNING', 'WARNING at once');
      assert.match(report.message, /fetching is failing .*LZ4 compression not implemented/);
      assert.equal(report.consumerGroup?.fetchFailures?.[0]?.cause, 'LZ4 compression not implemented');
    }
    t.mock.timers.tick(delays.at(-1)!);
    await flush();
    await flush();
  }
  assert.deepEqual(attempts, [1, 2, 3, 4, 5], 'a group join does not restart the back-off');
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! > delays[i - 1]!, `back-off grows: ${delays.join(', ')}`);
  assert.ok(
    delays.every((d) => d <= 1_600),
    'capped at maxRetryPeriod',
  );
  assert.equal(errors.length, 1, 'the cause is reported once in the episode');
  assert.equal(transport.runCalls, 6, 'each back-off ended in a new run');

  t.mock.timers.tick(STALL_TIMEOUT); // the episode is now longer than stallTimeout
  const critical = await health();
  assert.equal(critical.status, 'CRITICAL');
  assert.match(critical.message, /longer than stallTimeout \(5000 ms\).*LZ4/);

  transport.listener!.onGroupJoin({ t: [0, 1] });
  await transport.deliver(0, [0, 1]);
  assert.equal((await health()).status, 'OK', 'records flow: the episode ended');

  transport.listener!.onCrash(cause);
  assert.equal(errors.length, 2, 'a new episode is reported again');
  assert.equal(errors.at(-1)!.logData.attempt, 1, 'and backs off from the beginning');
  await close();
});

test('a failing partition is paused under its own holder and retried on the back-off while the others flow; health names it and is OK once it fetches again', async (t) => {
  const { group, transport, errors, lines, health, close } = await setup(t);
  transport.listener!.onGroupJoin({ t: [0, 1] });
  assert.equal(group.state, ConsumerState.Consuming);
  const refusal = Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), {
    type: 'TOPIC_AUTHORIZATION_FAILED',
  });

  transport.listener!.onFetchFailed([{ topic: 't', partition: 1 }], refusal);
  assert.equal(transport.isPaused('t', 1, FETCH_FAILURE_PAUSE_HOLDER), true, 'paused before onFetchFailed returned');
  assert.equal(transport.isPaused('t', 0), false, 'the other partition is not paused');
  assert.equal(group.pausedPartitions().length, 0, "not the app's pause");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /error fetching t\/1: paused it/);
  assert.equal(group.authorizationFailure(), undefined, 'a refusal on one partition does not make the whole group CRITICAL at once');
  assert.equal(group.state, ConsumerState.Consuming, 'the member keeps consuming');

  await transport.deliver(0, [0, 1]);
  const warning = await health();
  assert.equal(warning.status, 'WARNING', 'records of partition 0 do not end partition 1 episode');
  assert.match(warning.message, /fetching t\/1 is failing .*Topic authorization failed/);
  assert.deepEqual(
    warning.consumerGroup?.fetchFailures?.map((f) => [f.topic, f.partition]),
    [['t', 1]],
  );

  const firstDelay = Number(errors[0]!.logData.nextDelayMs);
  t.mock.timers.tick(firstDelay);
  assert.equal(transport.isPaused('t', 1), false, 'resumed for a retry after the back-off');
  transport.listener!.onFetchFailed([{ topic: 't', partition: 1 }], refusal);
  assert.equal(errors.length, 1, 'the same cause is not reported twice in an episode');
  const again = lines.filter((l) => l.message.startsWith('fetching t/1 failed again')).at(-1)!;
  assert.equal(again.data.attempt, 2);
  assert.ok(Number(again.data.nextDelayMs) > firstDelay, 'the retry backs off further');

  t.mock.timers.tick(STALL_TIMEOUT);
  const critical = await health();
  assert.equal(critical.status, 'CRITICAL');
  assert.match(critical.message, /fetching t\/1 has failed for \d+ s, longer than stallTimeout/);

  t.mock.timers.tick(Number(again.data.nextDelayMs));
  transport.listener!.onFetched([{ topic: 't', partition: 1 }]);
  assert.equal((await health()).status, 'OK', 'the partition fetched again');
  assert.ok(lines.some((l) => l.message === 'fetching t/1 works again'));
  await close();
});

test('stopping ends the episodes and lifts the fetch-failure pauses (a new start tries again)', async (t) => {
  const { group, transport, health, close } = await setup(t);
  transport.listener!.onGroupJoin({ t: [0, 1] });
  transport.listener!.onFetchFailed([{ topic: 't', partition: 0 }], new Error('corrupt batch'));
  assert.equal(transport.isPaused('t', 0), true);
  const stopped = group.stopAndWait();
  t.mock.timers.tick(1_000);
  await stopped;
  assert.equal(transport.isPaused('t', 0), false);
  assert.equal((await health()).status, 'OK');
  await close();
});
