import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetTracker } from '../../../lib/core/consumer/offset-tracker.js';

test('commits only the contiguous done prefix, as last done + 1', () => {
  const t = new OffsetTracker();
  for (const o of ['10', '11', '12']) t.start('a', 0, o);
  t.done('a', 0, '11');
  assert.deepEqual(t.takePending(), [], '11 done before 10: nothing committable');
  t.done('a', 0, '10');
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '12' }]);
  assert.equal(t.inFlight(), 1);
  t.done('a', 0, '12');
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '13' }]);
  assert.deepEqual(t.takePending(), [], 'taken positions are no longer pending');
});

test('partitions and topics are independent; 64-bit offsets survive', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '9007199254740993');
  t.start('a', 1, '5');
  t.start('b', 0, '7');
  t.done('a', 1, '5');
  t.done('a', 0, '9007199254740993');
  assert.equal(t.hasPending(), true);
  const pending = t.takePending().sort((x, y) => `${x.topic}${x.partition}`.localeCompare(`${y.topic}${y.partition}`));
  assert.deepEqual(pending, [
    { topic: 'a', partition: 0, offset: '9007199254740994' },
    { topic: 'a', partition: 1, offset: '6' },
  ]);
  assert.equal(t.inFlight(), 1);
});

test('a do-not-commit message does not advance the position, but a later committed one moves past it', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '1');
  t.start('a', 0, '2');
  t.done('a', 0, '1', false);
  assert.deepEqual(t.takePending(), []);
  t.done('a', 0, '2', true);
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '3' }]);
});

test('restore puts back failed positions unless a newer one waits; positions never move back; reset forgets', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '1');
  t.done('a', 0, '1');
  const taken = t.takePending();
  t.start('a', 0, '2');
  t.done('a', 0, '2');
  t.restore(taken);
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '3' }]);
  t.restore(taken);
  assert.deepEqual(t.takePending(), [], 'an older failed position is superseded by the newer one');
  const latest = [{ topic: 'a', partition: 0, offset: '3' }];
  t.restore(latest);
  assert.deepEqual(t.takePending(), latest, 'the latest failed position is retried');
  t.start('a', 0, '0');
  t.done('a', 0, '0');
  assert.deepEqual(t.takePending(), [], 'an older position is never offered again');
  t.start('a', 0, '5');
  t.reset();
  assert.equal(t.inFlight(), 0);
  assert.equal(t.hasPending(), false);
  t.restore(latest);
  assert.equal(t.hasPending(), false, 'positions from before a reset are not restored');
});

test('large batches finished in order, in part out of order, keep exact positions and in-flight counts', () => {
  const t = new OffsetTracker();
  const track = t.partition('a', 0);
  for (let o = 100; o < 5100; o++) track.start(String(o));
  for (let o = 100; o < 2600; o++) track.finish(String(o));
  assert.equal(t.inFlight(), 2500);
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '2600' }]);
  for (let o = 2700; o < 5100; o++) track.finish(String(o), o !== 5099);
  assert.equal(t.inFlight(), 2500, 'offset 2600 still holds back everything after it');
  assert.equal(t.hasPending(), false);
  for (let o = 2600; o < 2700; o++) track.start(String(o + 2500)); // later fetches keep arriving
  for (let o = 2699; o >= 2600; o--) track.finish(String(o));
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '5099' }], '5099 was finished without commit');
  assert.equal(t.inFlight(), 100);
  for (let o = 5100; o < 5200; o++) track.finish(String(o));
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '5200' }]);
  assert.equal(t.inFlight(), 0);
});
