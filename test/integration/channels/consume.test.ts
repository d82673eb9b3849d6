import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { committed, freshTopic, newGroup, nOf, produce } from '../consumer/support.js';
import { byPartition, readMessages } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

describe('messages(): the channel-style consumer (real broker)', () => {
  it('a commitAndRelease loop reads every message of 4 partitions in per-partition order; a restart sees none again', async () => {
    const { topic, groupName } = await freshTopic('chan-all', 4);
    await produce(topic, 200, (n) => n % 4);
    const first = newGroup({ topic, groupName, numWorkers: 4 });
    open.push(first.group);
    const messages = first.group.messages();
    await first.group.start();
    const seen = await readMessages(first.group, messages, 200, (m) => m.commitAndRelease());
    await first.group.close();

    assert.equal(seen.length, 200);
    assert.deepEqual(new Set(seen.map((m) => nOf(m.value))).size, 200);
    for (const [partition, list] of byPartition(seen)) {
      const ns = list.map((m) => nOf(m.value));
      assert.deepEqual(
        ns,
        [...ns].sort((a, b) => a - b),
        `partition ${partition} in order`,
      );
      assert.deepEqual(
        list.map((m) => Number(m.offset)),
        Array.from({ length: 50 }, (_, i) => i),
      );
    }
    assert.deepEqual(await committed(groupName, topic), { 0: '50', 1: '50', 2: '50', 3: '50' });
    assert.deepEqual(first.errors, []);

    // One new record per partition after the restart point: the restarted group must read only these.
    await produce(topic, 4, (n) => n % 4, 200);
    const second = newGroup({ topic, groupName, numWorkers: 4 });
    open.push(second.group);
    const again = second.group.messages();
    await second.group.start();
    const fresh = await readMessages(second.group, again, 4, (m) => m.commitAndRelease());
    await second.group.close();
    assert.deepEqual(
      fresh.map((m) => nOf(m.value)).sort((a, b) => a - b),
      [200, 201, 202, 203],
    );
  });

  it('marks without commit are committed by stop; stop ends the loop', async () => {
    const { topic, groupName } = await freshTopic('chan-mark', 2);
    await produce(topic, 20, (n) => n % 2);
    const { group, errors } = newGroup({ topic, groupName, numWorkers: 2, commitInterval: 60_000 });
    open.push(group);
    const messages = group.messages();
    await group.start();
    const seen = await readMessages(group, messages, 20, (m) => {
      m.mark();
      m.release();
    });
    assert.equal(seen.length, 20);
    const idleLoop = readMessages(group, messages, 1, (m) => m.release());
    await group.stopAndWait();
    assert.deepEqual(await idleLoop, [], 'the stop ended the waiting loop');
    assert.deepEqual(await committed(groupName, topic), { 0: '10', 1: '10' });
    assert.deepEqual(errors, []);
  });

  it('marks are committed by close too', async () => {
    const { topic, groupName } = await freshTopic('chan-close', 1);
    await produce(topic, 5);
    const { group } = newGroup({ topic, groupName, commitInterval: 60_000 });
    open.push(group);
    const messages = group.messages();
    await group.start();
    const seen = await readMessages(group, messages, 5, (m) => {
      m.mark();
      m.release();
    });
    assert.equal(seen.length, 5);
    await group.close();
    assert.deepEqual(await committed(groupName, topic), { 0: '5' });
  });

  it('messages released without mark are not committed and are read again after a restart', async () => {
    const { topic, groupName } = await freshTopic('chan-release', 1);
    await produce(topic, 10);
    const first = newGroup({ topic, groupName });
    open.push(first.group);
    const messages = first.group.messages();
    await first.group.start();
    const seen = await readMessages(first.group, messages, 10, (m) => m.release());
    await first.group.close();
    assert.equal(seen.length, 10);
    assert.deepEqual(await committed(groupName, topic), { 0: '-1' });

    const second = newGroup({ topic, groupName });
    open.push(second.group);
    const again = second.group.messages();
    await second.group.start();
    const redelivered = await readMessages(second.group, again, 10, (m) => m.commitAndRelease());
    await second.group.close();
    assert.deepEqual(
      redelivered.map((m) => nOf(m.value)),
      seen.map((m) => nOf(m.value)),
    );
    assert.deepEqual(await committed(groupName, topic), { 0: '10' });
  });
});
