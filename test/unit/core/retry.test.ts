import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getRetryTime, retryUntilDone } from '../../../lib/core/retry.js';

const noJitter = () => 25;

test('getRetryTime doubles from the minimum and restarts after a full cycle (defaults 200 ms / 32 s)', () => {
  const seq = Array.from({ length: 10 }, (_, i) => getRetryTime(i + 1, 200, 32_000, noJitter));
  assert.deepEqual(seq, [200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 200, 400]);
});

test('getRetryTime treats attempts below 1 as the first', () => {
  assert.equal(getRetryTime(0, 200, 32_000, noJitter), 200);
  assert.equal(getRetryTime(-5, 200, 32_000, noJitter), 200);
});

test('getRetryTime caps at the maximum when the ratio is a power of two', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => getRetryTime(n, 1000, 8000, noJitter)),
    [1000, 2000, 4000, 8000, 1000],
  );
  assert.equal(
    getRetryTime(4, 1000, 8000, () => 49),
    8000,
    '8000 + 240 jitter is capped',
  );
});

test('getRetryTime uses integer division for odd min/max pairs', () => {
  // 1000 / 300 = 3 (integer), floor(log2 3) = 1, so the cycle has 2 steps.
  assert.deepEqual(
    [1, 2, 3].map((n) => getRetryTime(n, 300, 1000, noJitter)),
    [300, 600, 300],
  );
});

test('getRetryTime jitter spans -25 % .. +24 % of the minimum, in whole milliseconds', () => {
  assert.equal(
    getRetryTime(1, 200, 32_000, () => 0),
    150,
  );
  assert.equal(
    getRetryTime(1, 200, 32_000, () => 49),
    248,
  );
  assert.equal(
    getRetryTime(3, 200, 32_000, () => 0),
    750,
    'jitter is of the minimum, not of the pause',
  );
  assert.equal(
    getRetryTime(1, 0.5, 10, () => 0),
    0.5,
    'no jitter under 1 ms',
  );
});

test('getRetryTime with the real random source stays inside the jitter window', () => {
  for (let i = 0; i < 200; i++) {
    const t = getRetryTime(2, 200, 32_000);
    assert.ok(t >= 350 && t <= 448, `got ${t}`);
  }
});

test('retryUntilDone retries failed attempts and resolves on the first success', async () => {
  let calls = 0;
  const failures: number[] = [];
  const loop = retryUntilDone({
    attempt: async () => {
      calls++;
      if (calls < 3) throw new Error(`fail ${calls}`);
    },
    minRetryPeriod: 1,
    maxRetryPeriod: 4,
    onFailure: (_e, attempt) => failures.push(attempt),
  });
  await loop.done;
  assert.equal(calls, 3);
  assert.deepEqual(failures, [1, 2]);
});

test('retryUntilDone stops attempting once cancelled', async () => {
  let calls = 0;
  const loop = retryUntilDone({
    attempt: async () => {
      calls++;
      throw new Error('down');
    },
    minRetryPeriod: 5,
    maxRetryPeriod: 10,
    onFailure: () => {},
  });
  await new Promise((r) => setTimeout(r, 30));
  loop.cancel();
  const seen = calls;
  await new Promise((r) => setTimeout(r, 40));
  assert.ok(seen >= 1);
  assert.equal(calls, seen, 'no attempt after cancel');
});

test('retryNow skips the pending wait', async () => {
  let calls = 0;
  const loop = retryUntilDone({
    attempt: async () => {
      calls++;
      if (calls === 1) throw new Error('first fails');
    },
    minRetryPeriod: 60_000,
    maxRetryPeriod: 60_000,
    onFailure: () => setImmediate(() => loop.retryNow()),
  });
  await loop.done;
  assert.equal(calls, 2);
});
