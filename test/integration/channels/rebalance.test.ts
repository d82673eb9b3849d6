import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { committed, freshTopic, newGroup, nOf, produce } from '../consumer/support.js';

const TOTAL = 400;

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

/** Reads until the group stops or closes, committing and releasing each message after a short pause. */
async function readAll(messages: AsyncIterable<KafkaMessage>, into: number[]): Promise<void> {
  for await (const m of messages) {
    await sleep(20); // slow enough that the second member joins long before the end
    into.push(nOf(m.value));
    await m.commitAndRelease();
  }
}

describe('messages() across a rebalance (real broker)', () => {
  it('a second member joining mid-way loses nothing, and the end positions are committed', async () => {
    const { topic, groupName } = await freshTopic('chan-rebalance', 4);
    await produce(topic, TOTAL, (n) => n % 4);
    const a = newGroup({ topic, groupName, numWorkers: 2 });
    const b = newGroup({ topic, groupName, numWorkers: 2 });
    open.push(a.group, b.group);
    const seenA: number[] = [];
    const seenB: number[] = [];
    const loopA = readAll(a.group.messages(), seenA);
    const messagesB = b.group.messages();
    await a.group.start();
    await eventually('the first member to read', () => seenA.length >= 50, 20_000);
    const loopB = readAll(messagesB, seenB);
    await b.group.start();
    await eventually('every message to be read by one member or the other', () => new Set([...seenA, ...seenB]).size === TOTAL, 40_000);
    await Promise.all([a.group.close(), b.group.close()]);
    await Promise.all([loopA, loopB]); // close ended both loops

    assert.equal(new Set([...seenA, ...seenB]).size, TOTAL);
    assert.ok(seenB.length > 0, 'the second member got partitions');
    assert.deepEqual(await committed(groupName, topic), { 0: '100', 1: '100', 2: '100', 3: '100' });
  });
});
