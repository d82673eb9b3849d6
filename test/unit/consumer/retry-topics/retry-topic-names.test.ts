import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAILURE_HEADERS } from '../../../../lib/core/consumer/failure/failure-headers.js';
import {
  RetryTopicMap,
  consumedTopicsOf,
  groupRetryTopics,
  isRetryRecord,
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
  });

  it('tells a retry record from a first delivery (a dead letter is not a retry)', () => {
    assert.equal(isRetryRecord(message('orders.retry-1000')), true);
    assert.equal(isRetryRecord(message('orders.DLT', { [FAILURE_HEADERS.originalTopic]: 'orders' })), false);
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
