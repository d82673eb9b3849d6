import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { InvalidSeekError, PartitionNotAssignedError, UnknownTopicError } from '../../../lib/core/errors.js';
import { rawKafka } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

/** Writes records n = 0..count-1 to partition 0, record n stamped `base + n` seconds. */
async function produceStamped(topic: string, count: number, base: number): Promise<void> {
  const producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, n) => ({
        partition: 0,
        value: JSON.stringify({ n }),
        timestamp: String(base + n * 1000),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

describe('seek and lag (real broker)', () => {
  it('seeks by offset, by timestamp and to the beginning at run time; commits follow', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('seek', 1);
    const base = Date.now() - 60_000;
    await produceStamped(topic, 10, base);
    const handled: number[] = [];
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    group.registerHandler(async (m) => void handled.push(nOf(m.value)));
    await group.start();
    await eventually('all 10 handled', () => handled.length === 10, 30_000);
    await eventually('committed 10', async () => (await committed(groupName, topic))[0] === '10');

    await group.seek({ topic, partition: 0, offset: 3 });
    await eventually('replayed from offset 3', () => handled.length === 17, 20_000);
    assert.deepEqual(handled.slice(10), [3, 4, 5, 6, 7, 8, 9]);

    await group.seek({ topic, partition: 0, timestamp: new Date(base + 7_000) });
    await eventually('replayed from the record stamped base+7s', () => handled.length === 20, 20_000);
    assert.deepEqual(handled.slice(17), [7, 8, 9]);

    await group.seek({ topic, to: 'beginning' }); // every assigned partition of the topic
    await eventually('replayed from the beginning', () => handled.length === 30, 20_000);
    assert.deepEqual(handled.slice(20), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    await group.seek({ topic, partition: 0, offset: 8 });
    await eventually('replayed from 8', () => handled.length === 32, 20_000);
    await eventually('committed 10 again', async () => (await committed(groupName, topic))[0] === '10');

    await group.seek({ topic, partition: 0, to: 'end' });
    await produce(topic, 1, () => 0, 10);
    await eventually('the record written after the seek to the end', () => handled.length === 33, 20_000);
    assert.equal(handled[32], 10);

    await assert.rejects(group.seek({ topic, partition: 1, offset: 0 }), PartitionNotAssignedError);
    await assert.rejects(group.seek({ topic: 'not-ours', offset: 0 }), UnknownTopicError);
    await assert.rejects(group.seek({ topic, partition: 0, offset: -5 }), InvalidSeekError);
    assert.deepEqual(errors, []);
  });

  it('a seek asked for before start() applies at the join, before anything is fetched', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('seek-start', 1);
    await produceStamped(topic, 10, Date.now() - 60_000);
    const handled: number[] = [];
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    group.registerHandler(async (m) => void handled.push(nOf(m.value)));
    await group.seek({ topic, partition: 0, offset: '6' });
    await group.start();
    await expectState(group, ConsumerState.Consuming, 30_000);
    await eventually('committed 10', async () => (await committed(groupName, topic))[0] === '10', 30_000);
    assert.deepEqual(handled, [6, 7, 8, 9]);
    assert.deepEqual(errors, []);
  });

  it('lag() reports lag per partition from the committed offsets and log ends', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('lag', 2);
    await produce(topic, 10, (n) => n % 2);
    const handled = new Set<number>();
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    group.registerHandler(async (m) => void handled.add(nOf(m.value)));
    await group.initialise();
    const before = await group.lag();
    assert.deepEqual(
      before.partitions.map((p) => [p.partition, p.lag, p.committedOffset]),
      [
        [0, 5, null],
        [1, 5, null],
      ],
    );
    await group.start();
    await eventually('all handled', () => handled.size === 10, 30_000);
    await eventually('committed', async () => (await group.lag()).total === 0, 20_000);
    await group.pause([{ topic, partitions: [1] }]);
    await produce(topic, 4, () => 1, 10);
    await eventually('lag of the paused partition', async () => (await group.lag()).total === 4, 20_000);
    const lag = await group.lag();
    assert.deepEqual(
      lag.partitions.map((p) => [p.partition, p.lag, p.committedOffset, p.highWatermark]),
      [
        [0, 0, '5', '5'],
        [1, 4, '5', '9'],
      ],
    );
    group.resume([{ topic, partitions: [1] }]);
    await eventually('caught up after the resume', async () => (await group.lag()).total === 0, 20_000);
    assert.deepEqual(errors, []);
  });
});
