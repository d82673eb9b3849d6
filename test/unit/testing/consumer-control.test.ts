import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AssignedPartitions } from '../../../lib/core/consumer/partition-request.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import {
  InvalidPartitionError,
  InvalidSeekError,
  KafkaConfigError,
  KafkaOperationError,
  PartitionNotAssignedError,
  UnknownTopicError,
} from '../../../lib/core/errors.js';
import { InMemoryConsumerGroup, type InMemoryConsumerGroupConfig } from '../../../lib/testing/in-memory-consumer-group.js';
import { eventually } from '../../support/eventually.js';
import { inMemoryGroups } from '../../support/in-memory-groups.js';

const { newGroup } = inMemoryGroups({ partitions: 2 });

/** A group whose handler records `partition@offset` of every message. */
async function consuming(config: Partial<InMemoryConsumerGroupConfig> = {}) {
  const group = newGroup(config);
  const handled: string[] = [];
  group.registerHandler(async (m) => void handled.push(`${m.partition}@${m.offset}`));
  await group.start();
  await group.waitForState(ConsumerState.Consuming);
  return { group, handled };
}

const push = (group: InMemoryConsumerGroup, partition: number, n: number) => {
  for (let i = 0; i < n; i++) group.push({ value: `v${i}`, partition });
};

describe('consumer group control (test kit)', () => {
  it('pause() stops the whole group without leaving it; resume() goes on with nothing lost or repeated', async () => {
    const { group, handled } = await consuming();
    push(group, 0, 2);
    await group.waitForIdle();
    await group.pause();
    assert.equal(group.isPaused(), true);
    assert.equal(group.state, ConsumerState.Consuming, 'pausing is a flag, not a state');
    assert.deepEqual(group.pausedPartitions(), [{ topic: 'orders', partitions: [0, 1] }]);
    push(group, 0, 3);
    push(group, 1, 2);
    await group.waitForIdle(); // paused partitions are not waited for
    assert.equal(handled.length, 2);
    group.resume();
    assert.equal(group.isPaused(), false);
    await eventually('everything handled after the resume', () => handled.length === 7);
    await group.waitForIdle();
    assert.deepEqual([...handled].sort(), ['0@0', '0@1', '0@2', '0@3', '0@4', '1@0', '1@1']);
    assert.equal(group.committedOffset(0), '5');
    assert.equal(group.committedOffset(1), '2');
  });

  it('pauses single partitions; a paused partition of a running batch stops at the next message and commits what finished', async () => {
    let release: (() => void) | undefined;
    const group = newGroup({ fetchSize: 10 });
    const handled: string[] = [];
    group.registerHandler(async (m) => {
      handled.push(`${m.partition}@${m.offset}`);
      if (m.partition === 0 && m.offset === '1') await new Promise<void>((resolve) => (release = resolve));
    });
    await group.start();
    push(group, 0, 5);
    await eventually('offset 1 in the handler', () => release !== undefined);
    const paused = group.pause([{ topic: 'orders', partitions: [0] }]);
    let settled = false;
    void paused.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'pause() waits for the running message');
    release!();
    await paused;
    assert.deepEqual(handled, ['0@0', '0@1'], 'nothing after the running message started');
    assert.equal(group.committedOffset(0), '2', 'what finished is committed');
    push(group, 1, 1);
    await eventually('the other partition runs on', () => handled.includes('1@0'));
    group.resume([{ topic: 'orders', partitions: [0] }]);
    await eventually('the rest of partition 0', () => handled.length === 6);
    assert.deepEqual(
      handled.filter((h) => h.startsWith('0@')),
      ['0@0', '0@1', '0@2', '0@3', '0@4'],
    );
  });

  it('starts paused when paused before start()', async () => {
    const group = newGroup();
    const handled: string[] = [];
    group.registerHandler(async (m) => void handled.push(m.offset));
    await group.pause([{ topic: 'orders' }]);
    push(group, 0, 2);
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(handled, []);
    group.resume([{ topic: 'orders' }]);
    await eventually('handled after the resume', () => handled.length === 2);
  });

  it('refuses bad pause and resume input with typed errors', async () => {
    const group = newGroup();
    await assert.rejects(group.pause([{ topic: 'nope' }]), UnknownTopicError);
    await assert.rejects(group.pause([{ topic: 'orders', partitions: [-1] }]), InvalidPartitionError);
    assert.throws(() => group.resume([{ topic: 'orders', partitions: [1.5] }]), InvalidPartitionError);
  });

  it('calls the rebalance listeners in order: revoked after the commit of finished work, then assigned', async () => {
    const events: string[] = [];
    const describe = (ps: readonly AssignedPartitions[]) => ps.map((p) => `${p.topic}[${p.partitions.join(',')}]`).join(' ');
    const group: InMemoryConsumerGroup = newGroup({
      onPartitionsAssigned: (ps) => void events.push(`assigned ${describe(ps)}`),
      onPartitionsRevoked: async (ps) => {
        events.push(`revoked ${describe(ps)} committed=${group.committedOffset(0)}`);
      },
    });
    group.registerHandler(async () => {});
    await group.start();
    push(group, 0, 3);
    await group.waitForIdle();
    await group.rebalance();
    await eventually('assigned again', () => events.length === 3);
    await group.stopAndWait();
    assert.deepEqual(events, [
      'assigned orders[0,1]',
      'revoked orders[0,1] committed=3',
      'assigned orders[0,1]',
      'revoked orders[0,1] committed=3',
    ]);
    assert.deepEqual(group.assignment(), []);
  });

  it('reports a throwing listener on the error stream and goes on', async () => {
    const group = newGroup({
      onPartitionsAssigned: () => {
        throw new Error('boom');
      },
    });
    group.registerHandler(async () => {});
    await group.start();
    push(group, 0, 1);
    await group.waitForIdle();
    await eventually('error reported', () =>
      group.emittedErrors.some((e) => e instanceof KafkaOperationError && /onPartitionsAssigned/.test(e.message)),
    );
    assert.equal(group.committedOffset(0), '1');
  });

  it('refuses listeners that are not functions', () => {
    assert.throws(
      () => new InMemoryConsumerGroup({ topic: 'orders', groupName: 'g', onPartitionsRevoked: 'x' as never }),
      (e: unknown) => e instanceof KafkaConfigError && /onPartitionsRevoked must be a function/.test(e.message),
    );
  });

  it('seeks by offset back and forth at run time; commits follow the new position', async () => {
    const { group, handled } = await consuming();
    push(group, 0, 5);
    await group.waitForIdle();
    assert.equal(group.committedOffset(0), '5');
    await group.seek({ topic: 'orders', partition: 0, offset: 1 });
    await eventually('replayed from 1', () => handled.length === 9);
    await group.waitForIdle();
    assert.deepEqual(handled.slice(5), ['0@1', '0@2', '0@3', '0@4']);
    await group.seek({ topic: 'orders', partition: 0, to: 'end' });
    push(group, 0, 1);
    await eventually('the new record', () => handled.length === 10);
    assert.equal(handled[9], '0@5');
    await group.seek({ topic: 'orders', to: 'beginning' });
    await eventually('everything again', () => handled.length === 16);
  });

  it('seeks by timestamp', async () => {
    const { group, handled } = await consuming();
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) group.push({ value: `v${i}`, partition: 0, timestamp: t0 + i * 1000 });
    await group.waitForIdle();
    await group.seek({ topic: 'orders', partition: 0, timestamp: new Date(t0 + 2000) });
    await eventually('replayed from the record at t0+2s', () => handled.length === 6);
    assert.deepEqual(handled.slice(4), ['0@2', '0@3']);
  });

  it('keeps a seek asked for before start() and applies it at the join, before the first fetch', async () => {
    const group = newGroup();
    const handled: string[] = [];
    group.registerHandler(async (m) => void handled.push(`${m.partition}@${m.offset}`));
    push(group, 0, 4);
    await group.seek({ topic: 'orders', partition: 0, offset: '3' });
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(handled, ['0@3']);
    assert.equal(group.committedOffset(0), '4');
  });

  it('refuses bad seeks with typed errors', async () => {
    const { group } = await consuming();
    await assert.rejects(group.seek({ topic: 'nope', offset: 1 }), UnknownTopicError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 0, offset: -1 }), InvalidSeekError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 0, offset: 'abc' }), InvalidSeekError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 0, timestamp: Number.NaN }), InvalidSeekError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 0, offset: 1, to: 'end' } as never), InvalidSeekError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 0, to: 'middle' } as never), InvalidSeekError);
    await assert.rejects(group.seek({ topic: 'orders', partition: 7, offset: 0 }), PartitionNotAssignedError);
  });

  it('reports lag per partition', async () => {
    const group = newGroup();
    group.registerHandler(async () => {});
    push(group, 0, 3);
    push(group, 1, 2);
    let lag = await group.lag();
    assert.equal(lag.total, 5);
    await group.start();
    await group.waitForIdle();
    await group.pause();
    push(group, 1, 4);
    lag = await group.lag();
    assert.deepEqual(
      lag.partitions.map((p) => [p.partition, p.lag, p.committedOffset]),
      [
        [0, 0, '3'],
        [1, 4, '2'],
      ],
    );
    assert.equal(lag.total, 4);
  });
});
