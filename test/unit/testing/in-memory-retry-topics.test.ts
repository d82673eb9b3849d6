import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readFailureHeaders } from '../../../lib/core/consumer/failure/failure-headers.js';
import { originalTopicOf } from '../../../lib/core/consumer/failure/retry-topics.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { eventually } from '../../support/eventually.js';

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(open.map((c) => c.close()));
});

describe('retry topics in the test kit', () => {
  it('holds a retry record until it is due while the other partition flows, then hands it to the same handler', async () => {
    const group = new InMemoryConsumerGroup({
      topic: 'orders',
      groupName: 'billing',
      partitions: 2,
      numWorkers: 2,
      onError: { retryTopics: [300], then: 'deadLetter' },
    });
    open.push(group);
    const seen: Array<{ topic: string; original: string; at: number; dueAt: number | undefined }> = [];
    let failedAt = 0;
    let otherDuringWait = 0;
    group.registerHandler(async (message: KafkaMessage) => {
      if (message.partition === 1 && message.topic === 'orders') {
        if (failedAt > 0 && seen.length < 2) otherDuringWait++;
        return;
      }
      seen.push({ topic: message.topic, original: originalTopicOf(message), at: Date.now(), dueAt: readFailureHeaders(message).dueAt });
      if (message.topic === 'orders') {
        failedAt = Date.now();
        throw new Error('first delivery fails');
      }
    });
    await group.start();
    group.queueJSON({ id: 1 }, { partition: 0, key: 'a' });
    await eventually('first failure', () => failedAt > 0, 5_000);
    for (let i = 0; seen.length < 2 && i < 200; i++) {
      group.queueJSON({ id: 100 + i }, { partition: 1 });
      await eventually('partition 1 handled', () => otherDuringWait > i || seen.length >= 2, 5_000);
    }
    await eventually('retry delivery', () => seen.length === 2, 5_000);
    const [, retry] = seen;
    assert.equal(retry!.topic, 'orders.retry-300');
    assert.equal(retry!.original, 'orders');
    assert.ok(retry!.at >= retry!.dueAt!, 'not handled before it was due');
    assert.ok(retry!.at - failedAt >= 300 - 5, `waited ${retry!.at - failedAt} ms`);
    assert.ok(otherDuringWait > 0, 'partition 1 flowed during the wait');
    await group.waitForIdle();
  });

  it('consumes the retry topics of a handler registered with its own policy (the group has none)', async () => {
    const group = new InMemoryConsumerGroup({ topic: 'payments', groupName: 'ledger' });
    open.push(group);
    const topics: string[] = [];
    group.registerHandler(
      async (message: KafkaMessage) => {
        topics.push(message.topic);
        if (message.topic === 'payments') throw new Error('first delivery fails');
      },
      { onError: { retryTopics: [50], then: 'deadLetter' } },
    );
    await group.start();
    group.queueJSON({ id: 1 });
    await eventually('retry delivery', () => topics.length === 2, 5_000);
    assert.deepEqual(topics, ['payments', 'payments.retry-50']);
  });
});
