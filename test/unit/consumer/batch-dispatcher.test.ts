import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KafkaError } from '../../../lib/core/errors.js';
import { KafkaMessage } from '../../../lib/core/message.js';
import { BatchDispatcher } from '../../../lib/core/consumer/batch-dispatcher.js';
import { DoNotCommitError } from '../../../lib/core/consumer/commit-rule.js';
import { OffsetTracker } from '../../../lib/core/consumer/offset-tracker.js';
import type { PartitionBatch } from '../../../lib/core/consumer/transport.js';

const open = { shouldDispatch: true };

function partitionBatch(topic: string, partition: number, offsets: number[], resolved: string[]): PartitionBatch {
  return {
    topic,
    partition,
    messages: offsets.map(
      (o) =>
        new KafkaMessage({
          topic,
          partition,
          offset: String(o),
          value: Buffer.from(`${partition}-${o}`),
          key: null,
          headers: {},
          timestamp: '0',
        }),
    ),
    resolveOffset: (offset) => void resolved.push(`${topic}/${partition}@${offset}`),
    heartbeat: async () => true,
  };
}

function positions(tracker: OffsetTracker): string[] {
  return tracker
    .takePending()
    .map((p) => `${p.topic}/${p.partition}@${p.offset}`)
    .sort();
}

test('a batch mixing partitions and topics commits each partition at its own last offset + 1, only once handled', async () => {
  const tracker = new OffsetTracker();
  const handled: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const dispatcher = new BatchDispatcher({
    handler: async (messages) => {
      handled.push(messages.map((m) => `${m.topic}/${m.partition}@${m.offset}`));
      await gate;
    },
    batchSize: 6,
    batchWaitTime: 60_000,
    tracker,
    emit: () => undefined,
    logData: () => ({}),
  });
  const resolved: string[] = [];
  await dispatcher.dispatch(partitionBatch('a', 0, [10, 11], resolved), open);
  await dispatcher.dispatch(partitionBatch('a', 1, [5], resolved), open);
  await dispatcher.dispatch(partitionBatch('b', 0, [7, 8], resolved), open);
  // The sixth message fills the batch: its dispatch waits until the batch was handled.
  const filling = dispatcher.dispatch(partitionBatch('a', 0, [12], resolved), open);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(handled, [['a/0@10', 'a/0@11', 'a/1@5', 'b/0@7', 'b/0@8', 'a/0@12']]);
  assert.deepEqual(positions(tracker), [], 'nothing is committable while the handler runs');
  release();
  await filling;
  assert.deepEqual(positions(tracker), ['a/0@13', 'a/1@6', 'b/0@9']);
  assert.deepEqual(resolved, ['a/0@11', 'a/1@5', 'b/0@8', 'a/0@12'], 'each partition batch is released once batched');
  dispatcher.dispose();
});

test('a batch failing with DoNotCommitError leaves its partitions uncommitted and reports it', async () => {
  const tracker = new OffsetTracker();
  const errors: KafkaError[] = [];
  const dispatcher = new BatchDispatcher({
    handler: async () => {
      throw new DoNotCommitError('retry later');
    },
    batchSize: 10,
    batchWaitTime: 60_000,
    tracker,
    emit: (e) => void errors.push(e),
    logData: () => ({}),
  });
  await dispatcher.dispatch(partitionBatch('a', 0, [1, 2], []), open);
  await dispatcher.dispatch(partitionBatch('a', 1, [3], []), open);
  await dispatcher.flush();
  assert.deepEqual(positions(tracker), []);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /failed to handle message batch/);
  dispatcher.dispose();
});
