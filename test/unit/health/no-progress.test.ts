import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PartitionLag } from '../../../lib/core/health/health-types.js';
import { NoProgressWatch, noProgressMessage } from '../../../lib/core/health/no-progress.js';

const lag = (partition: number, committedOffset: string | null, behind: number): PartitionLag => ({
  topic: 't',
  partition,
  committedOffset,
  highWatermark: String(Number(committedOffset ?? 0) + behind),
  lag: behind,
});

test('a watched partition with lag whose committed offset stays put longer than the bound is stalled; moving, caught up or unwatched ones are not', () => {
  let now = 0;
  const watch = new NoProgressWatch(() => now);
  const watched = [
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
    { topic: 't', partition: 2 },
  ];
  const observe = (offsets: PartitionLag[]) => watch.observe(offsets, watched, 1_000);
  assert.deepEqual(observe([lag(0, '5', 10), lag(1, '5', 10), lag(2, '7', 0), lag(3, '1', 10)]), []);
  now = 1_000;
  assert.deepEqual(observe([lag(0, '5', 10), lag(1, '6', 9), lag(2, '7', 0), lag(3, '1', 10)]), [], 'exactly the bound: not yet');
  now = 1_001;
  const stalled = observe([lag(0, '5', 12), lag(1, '6', 9), lag(2, '7', 0), lag(3, '1', 10)]);
  assert.deepEqual(stalled, [{ topic: 't', partition: 0, committedOffset: '5', lag: 12, stalledForMs: 1_001 }]);
  assert.equal(noProgressMessage(stalled, 1_000), 'no progress for longer than stallTimeout (1000 ms) on t/0 (lag 12)');

  // Paused (no longer watched): forgotten, and judged afresh once watched again.
  now = 5_000;
  assert.deepEqual(watch.observe([lag(0, '5', 12)], [], 1_000), []);
  assert.deepEqual(observe([lag(0, '5', 12)]), []);
  now = 6_001;
  assert.equal(observe([lag(0, '5', 12)]).length, 1);
  assert.deepEqual(observe([lag(0, '6', 11)]), [], 'it moved');
});
