import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigChecker } from '../../../lib/core/config/validate.js';
import { checkConnectionConfig } from '../../../lib/core/config/connection.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';

function problemsOf(config: Record<string, unknown>): string[] {
  const checker = new ConfigChecker();
  checkConnectionConfig(checker, config);
  try {
    checker.throwIfAny('test');
    return [];
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError);
    return error.problems.map((p) => p.field);
  }
}

test('a valid connection config has no problem', () => {
  assert.deepEqual(problemsOf({ brokers: ['127.0.0.1:9092', 'kafka-2:9093'] }), []);
});

test('every bad field is named in one error', () => {
  const fields = problemsOf({ brokers: ['nope', 42], minRetryPeriod: -1, maxRetryPeriod: 'x', kafkaJsLogLevel: 'loud' });
  assert.deepEqual(fields.sort(), ['brokers[0]', 'brokers[1]', 'kafkaJsLogLevel', 'maxRetryPeriod', 'minRetryPeriod'].sort());
});

test('missing brokers and min > max retry period are reported', () => {
  assert.deepEqual(problemsOf({ minRetryPeriod: 5000, maxRetryPeriod: 100 }).sort(), ['brokers', 'minRetryPeriod']);
});

test('the error message lists each field with its problem', () => {
  const checker = new ConfigChecker();
  checker.nonEmptyString('', 'topic');
  checker.positive(0, 'numWorkers', { integer: true });
  assert.throws(
    () => checker.throwIfAny('consumer group'),
    (e: unknown) =>
      e instanceof KafkaConfigError &&
      /invalid consumer group config/.test(e.message) &&
      /topic is required/.test(e.message) &&
      /numWorkers must be an integer > 0/.test(e.message),
  );
});
