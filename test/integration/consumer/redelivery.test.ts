import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DoNotCommitError } from '../../../lib/core/consumer/commit-rule.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { MessageHandlerError } from '../../../lib/core/errors.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

describe('commit rules and hand-over (real broker)', () => {
  it('commits a message whose handler failed with an ordinary error, and redelivers a DoNotCommitError one after restart', async () => {
    const { topic, groupName } = await freshTopic('nocommit');
    await produce(topic, 1);
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    let deliveries = 0;
    group.registerHandler(async () => {
      deliveries++;
      if (deliveries === 1) throw new DoNotCommitError('not yet');
    });
    await group.start();
    await eventually('first delivery', () => deliveries === 1, 20_000);
    await group.stopAndWait();
    assert.equal((await committed(groupName, topic))[0], '-1');
    assert.ok(errors[0] instanceof MessageHandlerError && errors[0].logData.commit === false);

    await group.start(); // same member restarts: reads from the committed position again
    await eventually('redelivery', () => deliveries === 2, 20_000);
    await group.stopAndWait();
    assert.equal((await committed(groupName, topic))[0], '1');

    // An ordinary error still commits (dp-kafka's rule).
    await produce(topic, 1, () => 0, 1);
    const failing = newGroup({ topic, groupName });
    open.push(failing.group);
    failing.group.registerHandler(async () => {
      throw new Error('boom');
    });
    await failing.group.start();
    await eventually('handler error', () => failing.errors.length === 1, 20_000);
    await failing.group.stopAndWait();
    assert.equal(failing.errors[0]!.logData.commit, true);
    assert.equal((await committed(groupName, topic))[0], '2');
  });

  it('stopAndWait then a new member: no message handled twice, none missing', async () => {
    const { topic, groupName } = await freshTopic('handover', 2);
    const total = 600;
    await produce(topic, total, (n) => n % 2);
    const seen: number[] = [];
    const first = newGroup({ topic, groupName, numWorkers: 2 });
    open.push(first.group);
    first.group.registerHandler(async (m) => {
      seen.push(nOf(m.value));
      await new Promise((r) => setTimeout(r, 1));
    });
    await first.group.start();
    await eventually('a third of the messages', () => seen.length >= total / 3, 20_000);
    await first.group.stopAndWait(); // in-flight finished and committed when this resolves
    const handledByFirst = seen.length;
    assert.ok(handledByFirst < total, 'the first member should stop mid-stream');

    const second = newGroup({ topic, groupName, numWorkers: 2 });
    open.push(second.group);
    second.group.registerHandler(async (m) => {
      seen.push(nOf(m.value));
    });
    await second.group.start();
    await expectState(second.group, ConsumerState.Consuming);
    await eventually('all messages', () => seen.length >= total, 30_000);
    await second.group.stopAndWait();
    assert.equal(seen.length, total, 'duplicates');
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: total }, (_, i) => i),
    );
    assert.deepEqual(first.errors.concat(second.errors), []);
  });
});
