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

describe('batch handler (real broker)', () => {
  it('flushes by size, then the remainder by wait time, and commits after the handler', async () => {
    const { topic, groupName } = await freshTopic('batch');
    await produce(topic, 23);
    const { group, errors } = newGroup({ topic, groupName, batchSize: 10, batchWaitTime: 300 });
    open.push(group);
    const batches: number[][] = [];
    group.registerBatchHandler(async (messages) => {
      batches.push(messages.map((m) => nOf(m.value)));
    });
    await group.start();
    await eventually('23 messages in batches', () => batches.flat().length === 23, 20_000);
    assert.deepEqual(
      batches.map((b) => b.length),
      [10, 10, 3],
    );
    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 23 }, (_, i) => i),
    );
    await group.stopAndWait();
    assert.equal((await committed(groupName, topic))[0], '23');
    assert.deepEqual(errors, []);
  });

  it('hands a partial batch to the handler on stop instead of losing it', async () => {
    const { topic, groupName } = await freshTopic('batch-stop');
    await produce(topic, 4);
    const { group } = newGroup({ topic, groupName, batchSize: 100, batchWaitTime: 60_000 });
    open.push(group);
    const batches: number[][] = [];
    group.registerBatchHandler(async (messages) => {
      batches.push(messages.map((m) => nOf(m.value)));
    });
    await group.start();
    await expectState(group, ConsumerState.Consuming);
    await new Promise((r) => setTimeout(r, 1500)); // messages collected, far from size or wait time
    assert.deepEqual(batches, []);
    await group.stopAndWait();
    assert.deepEqual(batches, [[0, 1, 2, 3]]);
    assert.equal((await committed(groupName, topic))[0], '4');
  });

  it('leaves a batch uncommitted when the handler rejects with DoNotCommitError (cause chain too)', async () => {
    const { topic, groupName } = await freshTopic('batch-nocommit');
    await produce(topic, 3);
    const { group, errors } = newGroup({ topic, groupName, batchSize: 3 });
    open.push(group);
    let calls = 0;
    group.registerBatchHandler(async () => {
      calls++;
      throw new Error('wrapped', { cause: new DoNotCommitError('retry later') });
    });
    await group.start();
    await eventually('one failing batch', () => calls === 1 && errors.length === 1, 20_000);
    await group.stopAndWait();
    assert.ok(errors[0] instanceof MessageHandlerError);
    assert.equal(errors[0].logData.commit, false);
    assert.equal((await committed(groupName, topic))[0], '-1');
  });
});
