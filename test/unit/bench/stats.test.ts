import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyRecorder, megabytesPerSecond, percentile, ratePerSecond } from '../../../bench/stats.js';
import { makePayload, readSentAt } from '../../../bench/payload.js';

test('percentile uses the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2, 3], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
});

test('percentile rejects an empty list and an out-of-range p', () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 101), /within 0\.\.100/);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

test('LatencyRecorder grows past its capacity and sorts numerically', () => {
  const rec = new LatencyRecorder(2);
  for (const v of [10, 9, 100, 1, 2]) rec.record(v);
  rec.recordMany(3, 5);
  assert.equal(rec.count, 10);
  // sorted: 1 2 3 3 3 3 3 9 10 100
  assert.deepEqual(rec.summary(), { p50: 3, p99: 100, count: 10 });
  assert.equal(new LatencyRecorder().summary(), undefined);
});

test('rates are 0 for no elapsed time and MB counts 2^20 bytes', () => {
  assert.equal(ratePerSecond(100, 0), 0);
  assert.equal(ratePerSecond(100, 2), 50);
  assert.equal(megabytesPerSecond(1024, 1024, 1), 1);
  assert.equal(megabytesPerSecond(1, 1, 0), 0);
});

test('a bench payload has the exact size and carries its send time', () => {
  const buf = makePayload(100, 1_764_086_400_123.456);
  assert.equal(buf.length, 100);
  assert.equal(readSentAt(buf), 1_764_086_400_123.456);
  assert.equal(readSentAt(buf.toString('latin1')), 1_764_086_400_123.456);
  assert.equal(readSentAt(Buffer.from('not a bench record at all')), undefined);
  assert.equal(readSentAt(null), undefined);
});
