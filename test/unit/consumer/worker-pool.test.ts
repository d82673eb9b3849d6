import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool } from '../../../lib/core/consumer/worker-pool.js';

test('hands out ids 1..N, never more than N at once, and queues the rest in order', async () => {
  const pool = new WorkerPool(3);
  const ids = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  assert.deepEqual(ids.sort(), [1, 2, 3]);
  assert.equal(pool.busy, 3);
  const order: number[] = [];
  const fourth = pool.acquire().then((id) => order.push(id));
  const fifth = pool.acquire().then((id) => order.push(id));
  pool.release(2);
  pool.release(3);
  await Promise.all([fourth, fifth]);
  assert.deepEqual(order, [2, 3]);
});

test('run releases the id when the task rejects', async () => {
  const pool = new WorkerPool(1);
  await assert.rejects(
    pool.run(async () => Promise.reject(new Error('x'))),
    /x/,
  );
  assert.equal(pool.busy, 0);
  let concurrent = 0;
  let max = 0;
  await Promise.all(
    Array.from({ length: 5 }, () =>
      pool.run(async (id) => {
        assert.equal(id, 1);
        max = Math.max(max, ++concurrent);
        await new Promise((r) => setTimeout(r, 1));
        concurrent--;
      }),
    ),
  );
  assert.equal(max, 1);
});

test('rejects a size below 1', () => {
  assert.throws(() => new WorkerPool(0), RangeError);
});
