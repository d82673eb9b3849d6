import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConsumerStateError, HandlerRegistrationError } from '../../../lib/core/errors.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { currentRequestId } from '../../../lib/core/request-context.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

describe('consumer group lifecycle (real broker)', () => {
  it('goes Initialising -> Stopped -> Starting -> Consuming -> Stopping -> Stopped -> Closing, and commits after handle', async () => {
    const { topic, groupName } = await freshTopic('life');
    await produce(topic, 5);
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    const seen: ConsumerState[] = [];
    group.onStateChange((s) => seen.push(s));
    assert.equal(group.state, ConsumerState.Initialising);
    assert.equal(group.isInitialised(), false);

    const handled: Array<{ n: number; requestId: string | undefined; ctx: string | undefined; worker: number }> = [];
    group.registerHandler(async (message, workerId) => {
      handled.push({ n: nOf(message.value), requestId: message.requestId, ctx: currentRequestId(), worker: workerId });
    });
    assert.throws(() => group.registerHandler(async () => {}), HandlerRegistrationError);
    assert.throws(() => group.registerBatchHandler(async () => {}), HandlerRegistrationError);

    await group.waitUntilInitialised();
    await expectState(group, ConsumerState.Stopped);
    assert.equal(group.isInitialised(), true);

    await group.start();
    await expectState(group, ConsumerState.Consuming);
    await eventually('5 messages handled', () => handled.length === 5, 20_000);
    assert.deepEqual(
      handled.map((h) => h.n),
      [0, 1, 2, 3, 4],
    );
    assert.ok(handled.every((h) => h.worker === 1 && h.requestId === `req-${h.n}` && h.ctx === h.requestId));

    await group.stopAndWait();
    assert.equal(group.state, ConsumerState.Stopped);
    assert.equal((await committed(groupName, topic))[0], '5');

    await group.close();
    assert.equal(group.state, ConsumerState.Closing);
    await group.close(); // safe twice
    await assert.rejects(group.start(), ConsumerStateError);
    await group.stop(); // no-op while closing
    assert.deepEqual(seen, [
      ConsumerState.Stopped,
      ConsumerState.Starting,
      ConsumerState.Consuming,
      ConsumerState.Stopping,
      ConsumerState.Stopped,
      ConsumerState.Closing,
    ]);
    assert.deepEqual(errors, []);
  });
  it('stops cleanly while still joining the group, then starts again and consumes', async () => {
    const { topic, groupName } = await freshTopic('rejoin');
    await produce(topic, 2);
    const { group, errors } = newGroup({ topic, groupName });
    open.push(group);
    const values: number[] = [];
    group.registerHandler(async (m) => {
      values.push(nOf(m.value));
    });
    await group.waitUntilInitialised();
    await group.start();
    assert.equal(group.state, ConsumerState.Starting);
    await group.stopAndWait(); // kafkajs ignores stop() while joining; the group must not keep running
    assert.equal(group.state, ConsumerState.Stopped);
    const countAfterStop = values.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(values.length, countAfterStop, 'nothing handled after stopAndWait resolved');
    await group.start();
    await expectState(group, ConsumerState.Consuming);
    await eventually('both messages', () => new Set(values).size === 2, 20_000);
    await group.close();
    assert.deepEqual(errors, []);
  });
});
