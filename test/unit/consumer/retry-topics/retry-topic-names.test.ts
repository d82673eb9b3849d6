import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_HEADERS } from '../../../../lib/core/consumer/failure/failure-headers.js';
import {
  RetryTopicMap,
  consumedTopicsOf,
  groupRetryTopics,
  isRetryRecord,
  originalTopicOf,
  parseRetryTopicName,
} from '../../../../lib/core/consumer/retry-topics/retry-topic-names.js';
import { KafkaMessage } from '../../../../lib/core/message.js';
import { failureTopicsOf } from '../../../../lib/core/consumer/retry-topics/failure-topics-check.js';

const message = (topic: string, headers: Record<string, string> = {}) =>
  new KafkaMessage({ topic, partition: 0, offset: '0', value: null, headers });

describe('retry topic names', () => {
  it('lists each topic’s retry topics in delay order, and none without retryTopics', () => {
    const policy = { retryTopics: [1000, 10000] };
    const resolved = { retryTopics: [1000, 10000], then: 'deadLetter' as const, deadLetterTopic: undefined };
    assert.deepEqual(groupRetryTopics({ topics: ['a', 'b.c'], failurePolicy: resolved }), [
      'a.retry-1000',
      'a.retry-10000',
      'b.c.retry-1000',
      'b.c.retry-10000',
    ]);
    assert.deepEqual(groupRetryTopics({ topics: ['a'], failurePolicy: { ...resolved, retryTopics: [] } }), []);
    assert.deepEqual(groupRetryTopics({ topics: ['a'] }), []);
    assert.deepEqual(consumedTopicsOf(['a'], policy), ['a', 'a.retry-1000', 'a.retry-10000']);
    assert.deepEqual(consumedTopicsOf(['a'], 'deadLetter'), ['a']);
  });

  it('maps a retry topic back to its topic and delay', () => {
    const map = new RetryTopicMap({
      topics: ['orders'],
      failurePolicy: { retryTopics: [250], then: 'commit', deadLetterTopic: undefined },
    });
    assert.deepEqual(map.get('orders.retry-250'), { originalTopic: 'orders', delayMs: 250 });
    assert.equal(map.get('orders'), undefined);
    assert.equal(map.get('orders.retry-999'), undefined);
    assert.deepEqual(parseRetryTopicName('x.y.retry-30'), { originalTopic: 'x.y', delayMs: 30 });
    assert.equal(parseRetryTopicName('orders.DLT'), undefined);
  });

  it('routes a retry record by its original topic, and any other record (a DLT one too) by its own', () => {
    assert.equal(originalTopicOf(message('orders.retry-1000')), 'orders');
    assert.equal(originalTopicOf(message('orders.retry-1000', { [FAILURE_HEADERS.originalTopic]: 'orders' })), 'orders');
    // A topic whose own name ends in .retry-<n>: the header tells.
    assert.equal(originalTopicOf(message('jobs.retry-5.retry-100', { [FAILURE_HEADERS.originalTopic]: 'jobs.retry-5' })), 'jobs.retry-5');
    // A header that does not name this retry family is not believed.
    assert.equal(originalTopicOf(message('orders.retry-1000', { [FAILURE_HEADERS.originalTopic]: 'other' })), 'orders');
    assert.equal(originalTopicOf(message('orders.DLT', { [FAILURE_HEADERS.originalTopic]: 'orders' })), 'orders.DLT');
    assert.equal(originalTopicOf(message('orders')), 'orders');
    assert.equal(isRetryRecord(message('orders.retry-1000')), true);
    assert.equal(isRetryRecord(message('orders')), false);
  });
});

describe('failure topics', () => {
  it('are the retry topics, then the dead-letter topics when the policy dead-letters', () => {
    const policy = { retryTopics: [500], then: 'deadLetter' as const, deadLetterTopic: undefined };
    assert.deepEqual(failureTopicsOf({ topics: ['a', 'b'], failurePolicy: policy }), ['a.retry-500', 'b.retry-500', 'a.DLT', 'b.DLT']);
    assert.deepEqual(failureTopicsOf({ topics: ['a', 'b'], failurePolicy: { ...policy, deadLetterTopic: 'all.DLT' } }), [
      'a.retry-500',
      'b.retry-500',
      'all.DLT',
    ]);
    assert.deepEqual(failureTopicsOf({ topics: ['a'], failurePolicy: { ...policy, then: 'commit' } }), ['a.retry-500']);
    assert.deepEqual(failureTopicsOf({ topics: ['a'] }), []);
  });
});
