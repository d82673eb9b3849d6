import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Initialiser } from '../../../lib/core/consumer/initialiser.js';

test('retries in the background until connected, then resolves waiters; attempts never overlap', async () => {
  let calls = 0;
  let running = 0;
  let overlap = false;
  const retries: number[] = [];
  const init = new Initialiser({
    connect: async () => {
      calls++;
      if (++running > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 2));
      running--;
      if (calls < 3) throw new Error('down');
    },
    onConnected: () => true,
    minRetryPeriod: 5,
    maxRetryPeriod: 20,
    onRetry: (_e, attempt) => retries.push(attempt),
  });
  const waiting = init.waitUntilDone();
  init.startBackground();
  const manual = init.initialise().catch(() => 'failed'); // shares the running attempt
  await waiting;
  assert.equal(init.initialised, true);
  assert.equal(calls, 3);
  assert.deepEqual(retries, [1, 2]);
  assert.equal(overlap, false);
  assert.equal(await manual, 'failed');
  await init.initialise(); // done: no new attempt
  assert.equal(calls, 3);
});

test('cancel rejects waiters and later calls with the reason; a refused connection does not count', async () => {
  const init = new Initialiser({ connect: async () => {}, onConnected: () => false, minRetryPeriod: 5, maxRetryPeriod: 10, onRetry: () => {} });
  await init.initialise();
  assert.equal(init.initialised, false, 'refused by onConnected');
  const waiting = init.waitUntilDone();
  const reason = new Error('closing');
  init.cancel(reason);
  await assert.rejects(waiting, reason);
  await assert.rejects(init.initialise(), reason);
  await assert.rejects(init.waitUntilDone(), reason);
});
