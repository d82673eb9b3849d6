import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchCollector } from '../../../lib/core/consumer/batch-collector.js';

test('flushes when full; the item that fills the batch waits until it is handled', async () => {
  const batches: number[][] = [];
  const c = new BatchCollector<number>({ size: 2, waitTime: 60_000, handle: async (items) => void batches.push(items) });
  assert.equal(c.add(1), undefined, 'no promise while the batch is not full');
  const handled = c.whenOpenBatchHandled();
  assert.equal(c.pending, 1);
  const full = c.add(2);
  assert.ok(full instanceof Promise);
  await full;
  assert.deepEqual(batches, [[1, 2]]);
  await handled;
  c.dispose();
});

test('flushes a partial batch after the wait time without a new item (inactivity timer)', async (t) => {
  // A fake clock for both the timer and the collector's idle measure: real sleeps race under load.
  let now = 0;
  t.mock.method(performance, 'now', () => now);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const advance = async (ms: number): Promise<void> => {
    await Promise.resolve(); // the collector stamps its last add in a microtask: let it run first
    now += ms;
    t.mock.timers.tick(ms);
    await Promise.resolve();
  };
  const batches: number[][] = [];
  const c = new BatchCollector<number>({ size: 10, waitTime: 30, handle: async (items) => void batches.push(items) });
  void c.add(1);
  const handled = c.whenOpenBatchHandled();
  await advance(15);
  void c.add(2); // restarts the countdown
  await advance(20); // 35 ms after the first add, 20 after the second
  assert.deepEqual(batches, [], 'countdown restarted by the second item');
  await advance(10); // a full wait time after the second add
  await handled;
  assert.deepEqual(batches, [[1, 2]]);
});

test('batches are handled one at a time, in order; flush() hands over the partial batch', async () => {
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const c = new BatchCollector<number>({
    size: 1,
    waitTime: 60_000,
    handle: async (items) => {
      log.push(`start ${items.join()}`);
      if (items[0] === 1) await gate;
      log.push(`end ${items.join()}`);
    },
  });
  const a = c.add(1);
  const b = c.add(2);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(log, ['start 1']);
  release();
  await Promise.all([a, b]);
  assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('a rejecting handler is reported and still settles the ticket', async () => {
  const errors: unknown[] = [];
  const c = new BatchCollector<number>({
    size: 5,
    waitTime: 60_000,
    handle: async () => Promise.reject(new Error('bad')),
    onError: (e) => errors.push(e),
  });
  void c.add(1);
  const handled = c.whenOpenBatchHandled();
  await c.flush();
  await handled;
  assert.equal(errors.length, 1);
  await c.flush(); // empty: no call
  assert.equal(errors.length, 1);
});

test('a synchronous run of adds longer than the wait time does not count as inactivity', async () => {
  const batches: number[][] = [];
  const c = new BatchCollector<number>({ size: 1_000_000, waitTime: 40, handle: async (items) => void batches.push(items) });
  const handled = c.whenOpenBatchHandled();
  // One run of adds lasting longer than the wait time (no timer can fire inside it): the
  // countdown must run from its last add, not from its first.
  const start = performance.now();
  let next = start;
  let added = 0;
  while (performance.now() - start < 60) {
    if (performance.now() >= next) {
      void c.add(added++);
      next += 1;
    }
  }
  const runEnded = performance.now();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(batches.length, 0, 'still collecting 20 ms after the run ended');
  await handled;
  assert.ok(performance.now() - runEnded >= 39, 'handed over only a full wait time after the last add');
  assert.equal(batches.length, 1);
  assert.equal(batches[0]!.length, added);
  c.dispose();
});

test('items added across several runs keep restarting the countdown', async () => {
  const batches: number[][] = [];
  const c = new BatchCollector<number>({ size: 100, waitTime: 30, handle: async (items) => void batches.push(items) });
  const handled = c.whenOpenBatchHandled();
  for (let i = 0; i < 4; i++) {
    void c.add(i);
    await new Promise((r) => setTimeout(r, 15));
  }
  assert.equal(batches.length, 0, 'each run restarted the countdown');
  await handled;
  assert.deepEqual(batches, [[0, 1, 2, 3]]);
  c.dispose();
});
