import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONSUMER_GROUP_DEFAULTS,
  partitionConcurrency,
  resolveConsumerGroupConfig,
  type ConsumerGroupConfig,
} from '../../../lib/core/config/consumer.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';

const base: ConsumerGroupConfig = { brokers: ['127.0.0.1:9092'], topic: 'orders', groupName: 'billing' };

function badFields(config: unknown): string[] {
  try {
    resolveConsumerGroupConfig(config as ConsumerGroupConfig);
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return error.problems.map((p) => p.field);
  }
  assert.fail('config was accepted');
}

test('applies dp-kafka defaults without touching the caller object', () => {
  const config: ConsumerGroupConfig = { ...base };
  const snapshot = structuredClone(config);
  const r = resolveConsumerGroupConfig(config);
  assert.deepEqual(config, snapshot);
  assert.deepEqual(r.topics, ['orders']);
  assert.equal(r.numWorkers, 1);
  assert.equal(r.batchSize, 1);
  assert.equal(r.batchWaitTime, 200);
  assert.equal(r.minBrokersHealthy, 1);
  assert.equal(r.messageConsumeTimeout, 10_000);
  assert.equal(r.offset, 'oldest');
  assert.equal(r.fetchMaxWaitTime, 50);
  assert.equal(r.commitInterval, CONSUMER_GROUP_DEFAULTS.commitInterval);
  assert.equal(r.heartbeatInterval, 3_000);
  assert.equal(r.minRetryPeriod, 200);
  assert.equal(r.maxRetryPeriod, 32_000);
  assert.ok(Object.isFrozen(r));
});

test('accepts several topics and derives a heartbeat below the session timeout', () => {
  const r = resolveConsumerGroupConfig({ ...base, topic: ['a', 'b'], messageConsumeTimeout: 6_000 });
  assert.deepEqual(r.topics, ['a', 'b']);
  assert.equal(r.heartbeatInterval, 2_000);
});

test('one KafkaConfigError names every bad field', () => {
  const fields = badFields({
    brokers: [],
    topic: '',
    groupName: ' ',
    numWorkers: 0,
    batchSize: 1.5,
    batchWaitTime: -1,
    messageConsumeTimeout: Number.NaN,
    offset: 'latest',
    fetchMaxWaitTime: 0,
    commitInterval: 'soon',
    minRetryPeriod: 500,
    maxRetryPeriod: 100,
  });
  for (const f of [
    'brokers',
    'topic',
    'groupName',
    'numWorkers',
    'batchSize',
    'batchWaitTime',
    'messageConsumeTimeout',
    'offset',
    'fetchMaxWaitTime',
    'commitInterval',
    'minRetryPeriod',
  ]) {
    assert.ok(fields.includes(f), `missing ${f} in ${fields.join(', ')}`);
  }
  assert.deepEqual(badFields({ ...base, topic: ['ok', ''] }), ['topic[1]']);
  assert.deepEqual(badFields({ ...base, minBrokersHealthy: 2 }), ['minBrokersHealthy']);
  assert.ok(badFields(undefined).includes('groupName'));
});

test("ordering defaults to 'partition' with numWorkers handlers; maxConcurrency defaults to numWorkers", () => {
  const r = resolveConsumerGroupConfig({ ...base, numWorkers: 3 });
  assert.equal(r.ordering, 'partition');
  assert.equal(r.maxConcurrency, 3);
  assert.equal(partitionConcurrency(r), 3);
  const keyed = resolveConsumerGroupConfig({ ...base, numWorkers: 3, ordering: 'key', maxConcurrency: 16 });
  assert.equal(keyed.ordering, 'key');
  assert.equal(keyed.maxConcurrency, 16);
  assert.equal(partitionConcurrency(keyed), 16);
  assert.equal(resolveConsumerGroupConfig({ ...base, ordering: 'none' }).maxConcurrency, 1);
});

test('ordering and maxConcurrency are validated, and maxConcurrency needs a parallel ordering', () => {
  assert.deepEqual(badFields({ ...base, ordering: 'keys', maxConcurrency: 0 }).sort(), ['maxConcurrency', 'ordering']);
  assert.deepEqual(badFields({ ...base, maxConcurrency: 8 }), ['maxConcurrency']);
  assert.deepEqual(badFields({ ...base, ordering: 'partition', maxConcurrency: 8 }), ['maxConcurrency']);
  assert.deepEqual(badFields({ ...base, ordering: 'key', maxConcurrency: 2.5 }), ['maxConcurrency']);
});
