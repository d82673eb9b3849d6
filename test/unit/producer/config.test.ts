import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRODUCER_DEFAULTS, resolveProducerConfig, type ProducerConfig } from '../../../lib/core/config/producer.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/index.js';

const base: ProducerConfig = { brokers: ['127.0.0.1:9092'], topic: 'orders', logger: silentLogger };

function badFields(config: unknown): string[] {
  try {
    resolveProducerConfig(config as ProducerConfig);
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return error.problems.map((p) => p.field);
  }
  assert.fail('config was accepted');
}

test('defaults follow dp-kafka and are filled in without touching the caller object', () => {
  const config: ProducerConfig = { ...base, brokers: [' 127.0.0.1:9092 '] };
  const snapshot = structuredClone({ ...config, logger: undefined });
  const resolved = resolveProducerConfig(config);
  assert.equal(resolved.maxMessageBytes, 1_000_000);
  assert.equal(resolved.retryMax, 3);
  assert.equal(resolved.retryBackoff, 100);
  assert.equal(resolved.deliveryTimeoutMs, 30_000, 'not dp-kafka: a batch outlasts a leader fail-over');
  assert.equal(resolved.acks, 1);
  assert.equal(resolved.idempotent, false);
  assert.equal(resolved.compression, 'none');
  assert.equal(resolved.lingerMs, PRODUCER_DEFAULTS.lingerMs);
  assert.equal(resolved.maxBatchBytes, PRODUCER_DEFAULTS.maxBatchBytes);
  assert.equal(resolved.maxBatchRecords, PRODUCER_DEFAULTS.maxBatchRecords);
  assert.equal(resolved.maxInFlightBatches, 1);
  assert.equal(resolved.requestTimeout, 10_000);
  assert.equal(resolved.minRetryPeriod, 200);
  assert.equal(resolved.maxRetryPeriod, 32_000);
  assert.deepEqual(resolved.brokers, ['127.0.0.1:9092']);
  assert.deepEqual({ ...config, logger: undefined }, snapshot, 'caller config unchanged');
  assert.ok(Object.isFrozen(resolved));
});

test('minBrokersHealthy defaults to 2 but never above the number of brokers', () => {
  assert.equal(resolveProducerConfig(base).minBrokersHealthy, 1);
  assert.equal(resolveProducerConfig({ ...base, brokers: ['a:1', 'b:2', 'c:3'] }).minBrokersHealthy, 2);
  assert.equal(resolveProducerConfig({ ...base, brokers: ['a:1', 'b:2', 'c:3'], minBrokersHealthy: 3 }).minBrokersHealthy, 3);
});

test('an explicit minBrokersHealthy above the number of brokers is rejected', () => {
  assert.deepEqual(badFields({ ...base, minBrokersHealthy: 2 }), ['minBrokersHealthy']);
});

test('deliveryTimeoutMs 0 is allowed (kafkajs retries only, as dp-kafka)', () => {
  assert.equal(resolveProducerConfig({ ...base, deliveryTimeoutMs: 0 }).deliveryTimeoutMs, 0);
});

test('requestId defaults to a random UUID per producer', () => {
  const a = resolveProducerConfig(base).requestId;
  const b = resolveProducerConfig(base).requestId;
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(resolveProducerConfig({ ...base, requestId: 'req-1' }).requestId, 'req-1');
});

test('idempotent makes acks default to all and refuses acks 1 or no retries', () => {
  assert.equal(resolveProducerConfig({ ...base, idempotent: true }).acks, 'all');
  assert.deepEqual(badFields({ ...base, idempotent: true, acks: 1, retryMax: 0 }).sort(), ['acks', 'retryMax']);
});

test('one error names every bad field', () => {
  const fields = badFields({
    brokers: [],
    topic: '',
    maxMessageBytes: 0,
    retryMax: -1,
    retryBackoff: 'fast',
    deliveryTimeoutMs: -1,
    acks: 2,
    compression: 'brotli',
    lingerMs: -1,
    maxBatchBytes: 1.5,
    maxBatchRecords: 0,
    maxInFlightBatches: 0,
    requestTimeout: Number.NaN,
    idempotent: 'yes',
    requestId: '  ',
    minRetryPeriod: 500,
    maxRetryPeriod: 100,
  });
  for (const field of [
    'brokers',
    'topic',
    'maxMessageBytes',
    'retryMax',
    'retryBackoff',
    'deliveryTimeoutMs',
    'acks',
    'compression',
    'lingerMs',
    'maxBatchBytes',
    'maxBatchRecords',
    'maxInFlightBatches',
    'requestTimeout',
    'idempotent',
    'requestId',
    'minRetryPeriod',
  ]) {
    assert.ok(fields.includes(field), `${field} should be named; got ${fields.join(', ')}`);
  }
});

test('the error message names the field and the problem', () => {
  assert.throws(
    () => resolveProducerConfig({ ...base, topic: 'has space', acks: 'leader' as unknown as 1 }),
    (error: unknown) =>
      error instanceof KafkaConfigError &&
      /topic must be 1-249 characters/.test(error.message) &&
      /acks must be one of 0, 1, all/.test(error.message),
  );
});

test('compression takes every Kafka codec and names them when given anything else', () => {
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    assert.equal(resolveProducerConfig({ ...base, compression }).compression, compression);
  }
  for (const bad of ['LZ4', 'brotli', 'zstandard', 3, '']) {
    assert.throws(
      () => resolveProducerConfig({ ...base, compression: bad as unknown as 'lz4' }),
      (error: unknown) =>
        error instanceof KafkaConfigError &&
        error.problems.some((p) => p.field === 'compression') &&
        /compression must be one of none, gzip, snappy, lz4, zstd/.test(error.message),
    );
  }
});

test('missing config, topic and brokers are reported, not crashed on', () => {
  assert.deepEqual(badFields(undefined), ['config']);
  assert.deepEqual(badFields({}).sort(), ['brokers', 'topic']);
  assert.deepEqual(badFields({ ...base, logger: {} }), ['logger']);
});

test('transactionalId implies the idempotent producer with acks all; transactionTimeoutMs defaults to 60 s', () => {
  const resolved = resolveProducerConfig({ ...base, transactionalId: 'orders-tx' });
  assert.equal(resolved.transactionalId, 'orders-tx');
  assert.equal(resolved.idempotent, true);
  assert.equal(resolved.acks, 'all');
  assert.equal(resolved.maxInFlightBatches, 1);
  assert.equal(resolved.transactionTimeoutMs, 60_000);
  assert.equal(resolveProducerConfig(base).transactionalId, undefined);
  assert.equal(resolveProducerConfig({ ...base, transactionalId: 't', transactionTimeoutMs: 5_000 }).transactionTimeoutMs, 5_000);
});

test('transaction settings that contradict transactionalId are named', () => {
  assert.deepEqual(badFields({ ...base, transactionalId: 't', idempotent: false, acks: 1, maxInFlightBatches: 3, retryMax: 0 }), [
    'idempotent',
    'acks',
    'maxInFlightBatches',
    'retryMax',
  ]);
  assert.deepEqual(badFields({ ...base, transactionalId: 't', transactionTimeoutMs: 1.5 }), ['transactionTimeoutMs']);
  assert.deepEqual(badFields({ ...base, transactionalId: '  ' }), ['transactionalId']);
  assert.deepEqual(badFields({ ...base, transactionTimeoutMs: 1_000 }), ['transactionTimeoutMs']);
  // tx.send() writes plain Avro, so registry framing on a transactional producer is refused, not half applied.
  assert.deepEqual(badFields({ ...base, transactionalId: 't', schemaRegistry: { registry: new InMemorySchemaRegistry() } }), [
    'schemaRegistry',
  ]);
});
