import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

describe('long handlers (real broker)', () => {
  it('a handler slower than the session timeout is not evicted and its message is not redelivered', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('slow');
    await produce(topic, 2);
    const { group, errors } = newGroup({ topic, groupName, messageConsumeTimeout: 6_000 });
    open.push(group);
    const deliveries: number[] = [];
    group.registerHandler(async (m) => {
      const n = nOf(m.value);
      deliveries.push(n);
      if (n === 0) await new Promise((r) => setTimeout(r, 9_000));
    });
    await group.start();
    await expectState(group, ConsumerState.Consuming);
    const states: ConsumerState[] = [];
    group.onStateChange((s) => states.push(s));
    await eventually('both messages committed', async () => (await committed(groupName, topic))[0] === '2', 25_000);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(deliveries, [0, 1]);
    assert.deepEqual(states, [], 'the member should never have left Consuming');
    assert.deepEqual(errors, []);
  });
});
