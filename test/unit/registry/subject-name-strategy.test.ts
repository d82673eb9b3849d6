import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaConfigError, recordNameStrategy, topicNameStrategy, topicRecordNameStrategy } from '../../../lib/core/index.js';

test('TopicNameStrategy names <topic>-key and <topic>-value', () => {
  assert.equal(topicNameStrategy({ topic: 'orders', role: 'key', recordName: 'shop.Order' }), 'orders-key');
  assert.equal(topicNameStrategy({ topic: 'orders', role: 'value', recordName: undefined }), 'orders-value');
});

test('RecordNameStrategy names the fully qualified record, whatever the topic and role', () => {
  assert.equal(recordNameStrategy({ topic: 'orders', role: 'value', recordName: 'shop.Order' }), 'shop.Order');
  assert.equal(recordNameStrategy({ topic: 'refunds', role: 'key', recordName: 'shop.Order' }), 'shop.Order');
});

test('TopicRecordNameStrategy names <topic>-<fully qualified record>', () => {
  assert.equal(topicRecordNameStrategy({ topic: 'orders', role: 'value', recordName: 'shop.Order' }), 'orders-shop.Order');
});

test('the record name strategies refuse a schema without a name, naming the strategy, role and topic', () => {
  assert.throws(
    () => recordNameStrategy({ topic: 'orders', role: 'key', recordName: undefined }),
    (error: unknown) =>
      error instanceof KafkaConfigError && /RecordNameStrategy needs a named schema .* for the key of topic orders/.test(error.message),
  );
  assert.throws(() => topicRecordNameStrategy({ topic: 'orders', role: 'value', recordName: '' }), KafkaConfigError);
});
