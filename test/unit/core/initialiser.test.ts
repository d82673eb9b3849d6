import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Initialiser } from '../../../lib/core/initialiser.js';

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
    onConnected: () => undefined,
    onLateConnection: () => assert.fail('not cancelled'),
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

test('cancel rejects waiters and later calls with the reason', async () => {
  const init = new Initialiser({
    connect: async () => {},
    onConnected: () => undefined,
    onLateConnection: () => undefined,
    minRetryPeriod: 5,
    maxRetryPeriod: 10,
    onRetry: () => {},
  });
  const waiting = init.waitUntilDone();
  const reason = new Error('closing');
  init.cancel(reason);
  await assert.rejects(waiting, reason);
  await assert.rejects(init.initialise(), reason);
  await assert.rejects(init.waitUntilDone(), reason);
  assert.equal(init.initialised, false);
});

test('a connection that completes after cancel is released and does not count', async () => {
  let release!: () => void;
  let late = 0;
  let connected = 0;
  const init = new Initialiser({
    connect: () => new Promise<void>((resolve) => (release = resolve)),
    onConnected: () => connected++,
    onLateConnection: () => late++,
    minRetryPeriod: 5,
    maxRetryPeriod: 10,
    onRetry: () => {},
  });
  const attempt = init.initialise();
  const reason = new Error('closing');
  init.cancel(reason);
  release();
  await assert.rejects(attempt, reason);
  assert.deepEqual({ late, connected, initialised: init.initialised }, { late: 1, connected: 0, initialised: false });
});

test('probes the brokers first: an unreachable broker fails the attempt without calling connect', async () => {
  let connects = 0;
  const init = new Initialiser({
    connect: async () => void connects++,
    probe: { brokers: ['127.0.0.1:1'], timeoutMs: 1000 },
    describeFailure: (cause) => new Error(`described: ${cause instanceof Error ? cause.message : String(cause)}`),
    onConnected: () => undefined,
    onLateConnection: () => undefined,
    minRetryPeriod: 5,
    maxRetryPeriod: 10,
    onRetry: () => {},
  });
  await assert.rejects(init.initialise(), /^Error: described: no broker reachable: 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  assert.equal(connects, 0);
});
