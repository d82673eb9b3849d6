import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { readFailureHeaders } from '../../../lib/core/consumer/failure/failure-headers.js';
import { originalTopicOf } from '../../../lib/core/consumer/failure/retry-topics.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { rawKafka } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { freshTopic, newGroup, nOf, produce } from '../consumer/support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

interface Delivery {
  readonly n: number;
  readonly topic: string;
  readonly at: number;
  readonly dueAt: number | undefined;
}

describe('retry topics (real broker)', () => {
  it('honours each retry topic delay (1000 then 3000 ms) while the other partition keeps flowing', async (t) => {
    const { topic, groupName } = await freshTopic('retry-delays', 2);
    const { group, errors } = newGroup({
      topic,
      groupName,
      numWorkers: 2,
      onError: { retryTopics: [1000, 3000], then: 'deadLetter' },
    });
    open.push(group);
    const deliveries: Delivery[] = [];
    const failures: Array<{ n: number; topic: string; at: number }> = [];
    const otherPartition: number[] = [];
    group.registerHandler(async (message: KafkaMessage) => {
      const n = nOf(message.value);
      const at = Date.now();
      if (message.partition === 1 && message.topic === topic) {
        otherPartition.push(at);
        return;
      }
      deliveries.push({ n, topic: message.topic, at, dueAt: readFailureHeaders(message).dueAt });
      assert.equal(originalTopicOf(message), topic, 'a retry record names its original topic');
      // Fails on its first delivery and on the first retry topic; handled on the second.
      if (!message.topic.endsWith('.retry-3000')) {
        failures.push({ n, topic: message.topic, at: Date.now() });
        throw new Error(`fails on ${message.topic}`);
      }
    });
    await group.start();
    await produce(topic, 1, () => 0);

    // While the record waits on the retry topics, partition 1 keeps flowing.
    const flow = (async () => {
      for (let i = 0; i < 40 && deliveries.length < 3; i++) {
        await produce(topic, 5, () => 1, 1000 + i * 5);
        await eventually('partition 1 handled', () => otherPartition.length >= (i + 1) * 5, 20_000);
      }
    })();
    await eventually('three deliveries (original, retry-1000, retry-3000)', () => deliveries.length === 3, 30_000);
    await flow;

    const [, second, third] = deliveries as [Delivery, Delivery, Delivery];
    assert.deepEqual(
      deliveries.map((d) => d.topic),
      [topic, `${topic}.retry-1000`, `${topic}.retry-3000`],
    );
    const firstWait = second.at - failures[0]!.at;
    const secondWait = third.at - failures[1]!.at;
    assert.ok(second.at >= second.dueAt!, 'not handled before its due time');
    assert.ok(third.at >= third.dueAt!, 'not handled before its due time');
    assert.ok(firstWait >= 1000 - 5, `first wait ${firstWait} ms`);
    assert.ok(secondWait >= 3000 - 5, `second wait ${secondWait} ms`);
    const duringWaits = otherPartition.filter((at) => at > failures[0]!.at && at < third.at).length;
    assert.ok(duringWaits > 0, 'partition 1 must keep flowing during the waits');
    t.diagnostic(
      `measured waits: ${firstWait} ms for retry-1000, ${secondWait} ms for retry-3000 (after due: +${second.at - second.dueAt!} / +${third.at - third.dueAt!} ms); ` +
        `partition 1 records handled during the waits: ${duringWaits}`,
    );
    assert.equal(group.failureStats().deadLettered, 0);
    assert.equal(group.failureStats().retryTopicForwards, 2);
    assert.ok(errors.length >= 2, 'each failure is reported');

    // Nothing went to the dead-letter topic; the retry records carry the due-time header.
    const retryOffsets = rawKafka().admin();
    await retryOffsets.connect();
    try {
      const dlt = await retryOffsets.listTopics();
      assert.ok(
        dlt.includes(`${topic}.retry-1000`) && dlt.includes(`${topic}.retry-3000`) && dlt.includes(`${topic}.DLT`),
        'failure topics created (auto creation on)',
      );
      const dltOffsets = await retryOffsets.fetchTopicOffsets(`${topic}.DLT`);
      assert.equal(
        dltOffsets.reduce((sum, p) => sum + Number(p.high), 0),
        0,
      );
      const meta = await retryOffsets.fetchTopicMetadata({ topics: [`${topic}.retry-1000`] });
      assert.equal(meta.topics[0]!.partitions.length, 2, 'created with the main topic’s partition count');
    } finally {
      await retryOffsets.disconnect();
    }
  });
});
