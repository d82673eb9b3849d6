import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartitionBatch, TransportListener } from '../../../lib/core/consumer/transport.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerTransport } from '../../../lib/testing/in-memory-transport.js';
import { eventually } from '../../support/eventually.js';

/** A transport on a 2-partition topic whose listener records what it got and resolves all of it. */
function setUp() {
  const broker = new InMemoryBroker({ defaultPartitions: 2 });
  const transport = new InMemoryConsumerTransport(broker, {
    topics: ['t'],
    groupName: 'g',
    offset: 'oldest',
    concurrency: 2,
    fetchSize: 10,
  });
  const got: string[] = [];
  let joins = 0;
  let rebalances = 0;
  const listener: TransportListener = {
    onBatch: async (batch: PartitionBatch) => {
      for (const m of batch.messages) got.push(`${batch.partition}@${m.offset}`);
      const last = batch.messages.at(-1);
      if (last) batch.resolveOffset(last.offset);
    },
    onGroupJoin: () => void joins++,
    onRebalancing: async () => void rebalances++,
    onCrash: () => undefined,
    onFetchFailed: () => undefined,
    onFetched: () => undefined,
  };
  const append = (partition: number, n: number) => {
    for (let i = 0; i < n; i++)
      broker.append('t', { value: Buffer.from('x'), key: null, headers: {}, timestamp: String(Date.now()) }, partition);
  };
  return { transport, listener, got, append, counts: () => ({ joins, rebalances }) };
}

describe('InMemoryConsumerTransport pause/resume', () => {
  it('stops delivering a paused partition, keeps the membership, and resumes where it stopped', async () => {
    const { transport, listener, got, append, counts } = setUp();
    transport.pause([{ topic: 't', partitions: [1] }]);
    await transport.run(listener);
    append(0, 3);
    append(1, 3);
    await eventually('partition 0 delivered', () => got.filter((g) => g.startsWith('0@')).length === 3);
    assert.deepEqual(
      got.filter((g) => g.startsWith('1@')),
      [],
    );
    assert.equal(transport.isPaused('t', 1), true);
    assert.equal(transport.isCaughtUp(), true, 'paused partitions do not count as behind');
    transport.resume([{ topic: 't', partitions: [1] }]);
    await eventually('partition 1 delivered after the resume', () => got.filter((g) => g.startsWith('1@')).length === 3);
    assert.deepEqual(
      got.filter((g) => g.startsWith('1@')),
      ['1@0', '1@1', '1@2'],
    );
    assert.deepEqual(counts(), { joins: 1, rebalances: 0 }, 'no rejoin, no rebalance');
    await transport.disconnect();
  });

  it('pauses a whole topic until every holder resumed it, across a rebalance', async () => {
    const { transport, listener, got, append } = setUp();
    await transport.run(listener);
    transport.pause([{ topic: 't' }]);
    transport.pause([{ topic: 't', partitions: [0] }], 'seek');
    append(0, 2);
    append(1, 2);
    await transport.rebalance();
    transport.resume([{ topic: 't' }]);
    await eventually('partition 1 delivered', () => got.length === 2);
    assert.deepEqual(got, ['1@0', '1@1'], 'partition 0 is still held by the other holder');
    transport.resume([{ topic: 't', partitions: [0] }], 'seek');
    await eventually('partition 0 delivered', () => got.length === 4);
    assert.deepEqual(got.slice(2), ['0@0', '0@1']);
    await transport.disconnect();
  });
});
