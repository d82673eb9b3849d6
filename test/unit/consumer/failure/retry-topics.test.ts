import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInteger, FAILURE_HEADERS, readFailureHeaders } from '../../../../lib/core/consumer/failure/failure-headers.js';
import { forwardedRecord } from '../../../../lib/core/consumer/failure/forward-record.js';
import { deadLetterTopicOf, nextRetryTopic, originalTopicOf, retryStageOf } from '../../../../lib/core/consumer/failure/retry-topics.js';
import { KafkaMessage } from '../../../../lib/core/message.js';
import { NonRetryableError } from '../../../../lib/core/errors.js';

const delays = [1_000, 10_000];

function read(topic: string, headers: Record<string, Buffer | string | Array<Buffer | string>> = {}, offset = '7'): KafkaMessage {
  return new KafkaMessage({
    topic,
    partition: 2,
    offset,
    value: Buffer.from('v'),
    key: Buffer.from('k'),
    headers,
    timestamp: '1700000000000',
  });
}

describe('retry topics', () => {
  it('a record of the main topic goes to the first retry topic, then each to the next, the last to the last step', () => {
    assert.deepEqual(nextRetryTopic(read('orders'), delays), { topic: 'orders.retry-1000', delayMs: 1_000 });
    const first = read('orders.retry-1000', { [FAILURE_HEADERS.originalTopic]: 'orders' });
    assert.equal(retryStageOf(first, delays), 1);
    assert.deepEqual(nextRetryTopic(first, delays), { topic: 'orders.retry-10000', delayMs: 10_000 });
    const last = read('orders.retry-10000', { [FAILURE_HEADERS.originalTopic]: 'orders' });
    assert.equal(nextRetryTopic(last, delays), undefined);
    assert.equal(deadLetterTopicOf(last, undefined), 'orders.DLT');
    assert.equal(deadLetterTopicOf(last, 'all.dead'), 'all.dead');
  });

  it('finds the original topic from the header, else from the retry topic name', () => {
    assert.equal(originalTopicOf(read('orders')), 'orders');
    assert.equal(originalTopicOf(read('a.b.retry-500', { [FAILURE_HEADERS.originalTopic]: 'a.b' })), 'a.b');
    assert.equal(originalTopicOf(read('a.b.retry-500')), 'a.b');
    // A dead letter replayed onto its original topic is a new record there.
    assert.equal(originalTopicOf(read('orders', { [FAILURE_HEADERS.originalTopic]: 'elsewhere' })), 'orders');
  });

  it('a retry topic whose delay the policy no longer has counts as the last one at or below it', () => {
    assert.equal(retryStageOf(read('orders.retry-5000'), delays), 1);
    assert.equal(retryStageOf(read('orders.retry-50000'), delays), 2);
  });
});

describe('forwarded record headers', () => {
  it('keeps key, value and headers (repeated ones too) and adds the failure headers', () => {
    const message = read('orders', { 'request-id': 'req-1', trace: ['a', 'b'] });
    const error = new NonRetryableError('bad order', {}, { cause: new TypeError('inner') });
    const record = forwardedRecord(message, { error, groupName: 'billing', now: 1_700_000_000_500, dueAt: 1_700_000_001_500 });
    assert.deepEqual(record.key, Buffer.from('k'));
    assert.deepEqual(record.value, Buffer.from('v'));
    const h = record.headers;
    assert.equal(h['request-id'], 'req-1');
    assert.deepEqual(h.trace, ['a', 'b']);
    assert.equal(h[FAILURE_HEADERS.originalTopic], 'orders');
    assert.equal(decodeInteger(h[FAILURE_HEADERS.originalPartition] as Buffer), 2n);
    assert.equal((h[FAILURE_HEADERS.originalPartition] as Buffer).length, 4);
    assert.equal(decodeInteger(h[FAILURE_HEADERS.originalOffset] as Buffer), 7n);
    assert.equal((h[FAILURE_HEADERS.originalOffset] as Buffer).length, 8);
    assert.equal(decodeInteger(h[FAILURE_HEADERS.originalTimestamp] as Buffer), 1_700_000_000_000n);
    assert.equal(h[FAILURE_HEADERS.originalTimestampType], 'CreateTime');
    assert.equal(h[FAILURE_HEADERS.originalConsumerGroup], 'billing');
    assert.equal(h[FAILURE_HEADERS.exceptionClass], 'NonRetryableError');
    assert.equal(h[FAILURE_HEADERS.exceptionCauseClass], 'TypeError');
    assert.equal(h[FAILURE_HEADERS.exceptionMessage], 'bad order');
    assert.match(String(h[FAILURE_HEADERS.exceptionStacktrace]), /^NonRetryableError: bad order\n/);
    assert.equal(decodeInteger(h[FAILURE_HEADERS.attempts] as Buffer), 2n, "Spring's count: the forwarded record is delivery 2");
    assert.equal(decodeInteger(h[FAILURE_HEADERS.backoffTimestamp] as Buffer), 1_700_000_001_500n);
    assert.equal(h[FAILURE_HEADERS.firstFailure], '1700000000500');
    assert.equal(h[FAILURE_HEADERS.lastFailure], '1700000000500');
  });

  it('keeps the first failure when a record is forwarded again, and drops the due time on a dead letter', () => {
    const first = forwardedRecord(read('orders'), { error: new Error('one'), groupName: 'billing', now: 1_000, dueAt: 2_000 });
    const again = new KafkaMessage({
      topic: 'orders.retry-1000',
      partition: 0,
      offset: '3',
      value: first.value as Buffer,
      key: first.key as Buffer,
      headers: first.headers,
      timestamp: '1700000009999',
    });
    const dead = forwardedRecord(again, { error: new Error('two'), groupName: 'billing', now: 5_000 });
    const info = readFailureHeaders(
      new KafkaMessage({ topic: 'orders.DLT', partition: 0, offset: '0', value: null, headers: dead.headers }),
    );
    assert.equal(info.originalTopic, 'orders');
    assert.equal(info.originalPartition, 2);
    assert.equal(info.originalOffset, '7');
    assert.equal(info.originalTimestamp, 1_700_000_000_000);
    assert.equal(info.attempts, 3, 'Spring counts the coming delivery: 2 after the first forward, 3 after the second');
    assert.equal(info.firstFailureAt, 1_000);
    assert.equal(info.lastFailureAt, 5_000);
    assert.equal(info.errorMessage, 'two');
    assert.equal(info.dueAt, undefined);
  });

  it('truncates long messages and stacks', () => {
    const record = forwardedRecord(read('orders'), { error: new Error('x'.repeat(10_000)), groupName: 'g', now: 1 });
    assert.equal(String(record.headers[FAILURE_HEADERS.exceptionMessage]).length, 4_096);
    assert.equal(String(record.headers[FAILURE_HEADERS.exceptionStacktrace]).length, 4_096);
  });
});
