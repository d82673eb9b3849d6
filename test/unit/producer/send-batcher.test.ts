import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendBatcher } from '../../../lib/core/producer/send-batcher.js';

/**
 * Resolves once the batcher's end-of-turn send has run. With a due batch the batcher sends from a
 * `setImmediate` queued in the turn of the add; immediates run in the order they were queued, so
 * one queued after it runs after it. (A short sleep does not: when the turn runs inside the loop's
 * check phase, the batcher's immediate waits for the next loop iteration, whose timers phase
 * comes first, so a 5 ms timer can fire before it on a busy machine or a newer Node.)
 */
const afterThisTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fake send function that records batches and lets the test settle them. */
function recorder() {
  const batches: number[][] = [];
  const pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let inFlight = 0;
  let maxInFlightSeen = 0;
  const flush = (items: number[]) => {
    batches.push(items);
    inFlight++;
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    return new Promise<void>((resolve, reject) => {
      pending.push({
        resolve: () => (inFlight--, resolve()),
        reject: (e) => (inFlight--, reject(e)),
      });
    });
  };
  return { batches, pending, flush, maxInFlight: () => maxInFlightSeen };
}

test('sends made in the same turn are coalesced into one batch', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 1000, maxInFlight: 1, flush: fake.flush });
  const results = [1, 2, 3, 4, 5].map((n) => batcher.add(n, 10));
  assert.equal(fake.batches.length, 0, 'nothing is sent synchronously');
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1, 2, 3, 4, 5]]);
  fake.pending[0]!.resolve();
  await Promise.all(results);
});

test('a send made by a promise continuation of the same turn joins the batch', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 1000, maxInFlight: 1, flush: fake.flush });
  const results = [batcher.add(1, 10)];
  await Promise.resolve();
  results.push(batcher.add(2, 10));
  assert.equal(fake.batches.length, 0, 'microtasks do not end the turn');
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1, 2]]);
  fake.pending[0]!.resolve();
  await Promise.all(results);
});

test('the linger window collects sends spread over time', async (t) => {
  // Mocked clock: the window is about time, which a busy machine must not stretch.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 40, maxBatchBytes: 1000, maxInFlight: 1, flush: fake.flush });
  const results = [batcher.add(1, 10)];
  t.mock.timers.tick(10);
  results.push(batcher.add(2, 10));
  t.mock.timers.tick(29);
  assert.equal(fake.batches.length, 0, 'the window of the first item is still open');
  t.mock.timers.tick(1);
  assert.deepEqual(fake.batches, [[1, 2]]);
  fake.pending[0]!.resolve();
  await Promise.all(results);
});

test('reaching the byte cap sends at once, and a batch never passes the cap', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 10_000, maxBatchBytes: 30, maxInFlight: 5, flush: fake.flush });
  const results = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n, 10));
  assert.deepEqual(
    fake.batches,
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    'two full batches went without waiting for the linger',
  );
  for (const p of fake.pending) p.resolve();
  await Promise.all(results.slice(0, 6));
  const drained = batcher.drain();
  await afterThisTurn();
  assert.deepEqual(fake.batches[2], [7]);
  fake.pending[2]!.resolve();
  await drained;
  await results[6];
});

test('an item bigger than the cap travels alone', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 30, maxInFlight: 5, flush: fake.flush });
  const results = [batcher.add(1, 10), batcher.add(2, 100), batcher.add(3, 10)];
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1], [2], [3]]);
  for (const p of fake.pending) p.resolve();
  await Promise.all(results);
});

test('with one batch in flight, later sends wait and go in order as the next batch', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 1000, maxInFlight: 1, flush: fake.flush });
  const first = [1, 2].map((n) => batcher.add(n, 10));
  await afterThisTurn();
  const second = [3, 4, 5].map((n) => batcher.add(n, 10));
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1, 2]], 'the second batch waits for the first');
  fake.pending[0]!.resolve();
  await Promise.all(first);
  await afterThisTurn();
  assert.deepEqual(fake.batches, [
    [1, 2],
    [3, 4, 5],
  ]);
  fake.pending[1]!.resolve();
  await Promise.all(second);
  assert.equal(fake.maxInFlight(), 1);
});

test('a failed batch rejects exactly its own items with the flush error', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 20, maxInFlight: 2, flush: fake.flush });
  const results = [1, 2, 3, 4].map((n) => batcher.add(n, 10));
  const outcomes = Promise.allSettled(results);
  await afterThisTurn();
  assert.deepEqual(fake.batches, [
    [1, 2],
    [3, 4],
  ]);
  const boom = new Error('boom');
  fake.pending[0]!.reject(boom);
  fake.pending[1]!.resolve();
  const settled = await outcomes;
  assert.deepEqual(
    settled.map((s) => s.status),
    ['rejected', 'rejected', 'fulfilled', 'fulfilled'],
  );
  assert.equal((settled[0] as PromiseRejectedResult).reason, boom);
});

test('a flush function that throws synchronously rejects its batch, not the caller', async () => {
  const batcher = new SendBatcher<number>({
    lingerMs: 0,
    maxBatchBytes: 100,
    maxInFlight: 1,
    flush: () => {
      throw new Error('sync');
    },
  });
  await assert.rejects(batcher.add(1, 1), /sync/);
});

test('drain sends at once without waiting for the linger and resolves when all settled', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 60_000, maxBatchBytes: 1000, maxInFlight: 1, flush: fake.flush });
  const results = [1, 2].map((n) => batcher.add(n, 10));
  let drained = false;
  const drain = batcher.drain().then(() => (drained = true));
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1, 2]]);
  assert.equal(drained, false, 'drain waits for the ack');
  fake.pending[0]!.resolve();
  await drain;
  await Promise.all(results);
  assert.equal(batcher.queuedCount + batcher.inFlightCount, 0);
  await batcher.drain(); // nothing queued: resolves at once
});

test('abort rejects queued and in-flight items and ignores a later batch result', async () => {
  const fake = recorder();
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 20, maxInFlight: 1, flush: fake.flush });
  const outcomes = Promise.allSettled([1, 2, 3].map((n) => batcher.add(n, 10)));
  await afterThisTurn();
  assert.deepEqual(fake.batches, [[1, 2]]);
  const stop = new Error('closing');
  assert.equal(batcher.abort(stop), 3);
  fake.pending[0]!.resolve();
  const settled = await outcomes;
  assert.ok(settled.every((s) => s.status === 'rejected' && s.reason === stop));
  await afterThisTurn();
  assert.equal(fake.batches.length, 1, 'the aborted item 3 was never sent');
});

test('a batch that went through can still fail single items, leaving the others fulfilled', async () => {
  const itemError = new Error('no such partition');
  const batcher = new SendBatcher<number>({
    lingerMs: 0,
    maxBatchBytes: 100,
    maxInFlight: 1,
    flush: async (items) => new Map(items.flatMap((item, index) => (item < 0 ? [[index, itemError] as const] : []))),
  });
  const settled = await Promise.allSettled([1, -1, 2].map((n) => batcher.add(n, 1)));
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal((settled[1] as PromiseRejectedResult).reason, itemError);
});

test('a batch rejected with undefined still rejects its items', async () => {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a flush that rejects with no reason at all
  const batcher = new SendBatcher<number>({ lingerMs: 0, maxBatchBytes: 100, maxInFlight: 1, flush: () => Promise.reject(undefined) });
  const [outcome] = await Promise.allSettled([batcher.add(1, 1)]);
  assert.equal(outcome!.status, 'rejected');
});

test('the record cap splits a long queue into batches that keep queue order', async () => {
  const sent: number[][] = [];
  const batcher = new SendBatcher<number>({
    lingerMs: 0,
    maxBatchBytes: 1_000_000,
    maxBatchItems: 1_000,
    maxInFlight: 1,
    flush: async (items) => void sent.push(items),
  });
  const items = Array.from({ length: 12_345 }, (_, i) => i);
  await Promise.all(items.map((n) => batcher.add(n, 1)));
  assert.ok(sent.every((b) => b.length <= 1_000));
  assert.equal(sent.length, 13);
  assert.deepEqual(sent.flat(), items);
});
