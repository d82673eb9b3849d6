import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPLY_HEADERS } from '../../../lib/core/request-reply/reply-headers.js';
import { ReplyPublisher, replyAddressOf } from '../../../lib/core/request-reply/reply-publisher.js';
import type { TopicProducers, TopicRecord } from '../../../lib/core/request-reply/topic-producers.js';

const headersOf = (h: Record<string, string>) => (name: string) => h[name];

test('a record with correlation id and reply topic is a request; without either it is an event', () => {
  assert.deepEqual(replyAddressOf(headersOf({ kafka_correlationId: 'c1', kafka_replyTopic: 'sum.reply', kafka_replyPartition: '2' })), {
    correlationId: 'c1',
    replyTopic: 'sum.reply',
    replyPartition: 2,
  });
  assert.equal(replyAddressOf(headersOf({ kafka_correlationId: 'c1' })), undefined);
  assert.equal(replyAddressOf(headersOf({ kafka_replyTopic: 'sum.reply' })), undefined);
  assert.deepEqual(replyAddressOf(headersOf({ kafka_correlationId: 'c', kafka_replyTopic: 't', kafka_replyPartition: 'x' })), {
    correlationId: 'c',
    replyTopic: 't',
    replyPartition: undefined,
  });
});

test('replies carry the correlation id, the requested partition, and the error and last-reply headers', async () => {
  const sent: Array<{ topic: string; record: TopicRecord }> = [];
  const producers = { send: async (topic: string, record: TopicRecord) => void sent.push({ topic, record }) } as unknown as TopicProducers;
  const publisher = new ReplyPublisher(producers);
  await publisher.publish({ correlationId: 'c1', replyTopic: 'sum.reply', replyPartition: 3 }, { value: '5' }, { last: true });
  await publisher.publish(
    { correlationId: 'c2', replyTopic: 'sum.reply', replyPartition: undefined },
    { value: null },
    { error: '{"status":"error"}' },
  );
  assert.equal(sent[0]?.topic, 'sum.reply');
  assert.equal(sent[0]?.record.partition, 3);
  assert.equal(sent[0]?.record.headers?.[REPLY_HEADERS.correlationId], 'c1');
  assert.ok(sent[0]?.record.headers?.[REPLY_HEADERS.disposed] !== undefined);
  assert.equal(sent[0]?.record.headers?.[REPLY_HEADERS.error], undefined);
  assert.equal(sent[1]?.record.partition, undefined, 'no reply partition named: the producer chooses');
  assert.equal(sent[1]?.record.headers?.[REPLY_HEADERS.error], '{"status":"error"}');
  assert.equal(sent[1]?.record.headers?.[REPLY_HEADERS.disposed], undefined);
});
