import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

describe('single handler with a worker pool (real broker)', () => {
  it('keeps order per partition with 4 partitions and 8 workers; worker ids in 1..8; one in flight per partition', async () => {
    const { topic, groupName } = await freshTopic('order', 4);
    const total = 400;
    await produce(topic, total, (n) => n % 4);
    const { group, errors } = newGroup({ topic, groupName, numWorkers: 8 });
    open.push(group);
    const byPartition = new Map<number, number[]>();
    const workerIds = new Set<number>();
    const inFlight = new Map<number, number>();
    let overlap = false;
    let maxConcurrent = 0;
    let concurrent = 0;
    group.registerHandler(async (message, workerId) => {
      workerIds.add(workerId);
      const p = message.partition;
      inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
      if (inFlight.get(p)! > 1) overlap = true;
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      await new Promise((r) => setTimeout(r, 2));
      concurrent--;
      inFlight.set(p, inFlight.get(p)! - 1);
      const list = byPartition.get(p) ?? [];
      list.push(nOf(message.value));
      byPartition.set(p, list);
    });
    await group.start();
    await expectState(group, ConsumerState.Consuming);
    await eventually('all messages', () => [...byPartition.values()].reduce((a, l) => a + l.length, 0) >= total, 30_000);
    await group.stopAndWait();

    assert.equal(overlap, false, 'two messages of one partition ran at once');
    assert.ok(maxConcurrent <= 4, `at most one per partition in flight, saw ${maxConcurrent}`);
    for (const id of workerIds) assert.ok(id >= 1 && id <= 8, `worker id ${id} out of range`);
    for (let p = 0; p < 4; p++) {
      const expected = Array.from({ length: total / 4 }, (_, i) => i * 4 + p);
      assert.deepEqual(byPartition.get(p), expected, `partition ${p} out of order or incomplete`);
    }
    const offsets = await committed(groupName, topic);
    assert.deepEqual(
      [0, 1, 2, 3].map((p) => offsets[p]),
      ['100', '100', '100', '100'],
    );
    assert.deepEqual(errors, []);
  });
});
