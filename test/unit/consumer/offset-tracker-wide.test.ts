import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OffsetTracker } from '../../../lib/core/consumer/offset-tracker.js';

// Offsets are int64 but the tracker keeps safe integers as numbers: these tests pin exact commit
// positions around and above 2^53 (9007199254740992), where a number would round.

const MAX_SAFE = '9007199254740991'; // 2^53 - 1
const TWO_53 = '9007199254740992';
const INT64_MAX = '9223372036854775807';

function position(t: OffsetTracker): string | undefined {
  const taken = t.takePending();
  assert.ok(taken.length <= 1, 'one partition in use');
  return taken[0]?.offset;
}

test('crossing 2^53 in one partition commits exact positions at every step', () => {
  const t = new OffsetTracker();
  const offsets = ['9007199254740989', '9007199254740990', MAX_SAFE, TWO_53, '9007199254740993', '9007199254740994'];
  for (const o of offsets) t.start('a', 0, o);
  const expected = ['9007199254740990', MAX_SAFE, TWO_53, '9007199254740993', '9007199254740994', '9007199254740995'];
  offsets.forEach((o, i) => {
    t.done('a', 0, o);
    assert.equal(position(t), expected[i], `after ${o}`);
  });
  assert.equal(t.inFlight(), 0);
});

test('out-of-order completion above 2^53 waits for the contiguous prefix', () => {
  const t = new OffsetTracker();
  for (const o of [MAX_SAFE, TWO_53, '9007199254740993']) t.start('a', 0, o);
  t.done('a', 0, '9007199254740993');
  t.done('a', 0, TWO_53);
  assert.equal(position(t), undefined, 'the safe-integer head is still in flight');
  assert.equal(t.inFlight(), 3);
  t.done('a', 0, MAX_SAFE);
  assert.equal(position(t), '9007199254740994');
  assert.equal(t.inFlight(), 0);
});

test('finishing an offset twice or one never started above 2^53 changes nothing', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '9007199254740995');
  t.done('a', 0, '9007199254740994'); // before the head: not started since the last reset
  assert.equal(position(t), undefined);
  t.done('a', 0, '9007199254740995');
  t.done('a', 0, '9007199254740995');
  assert.equal(position(t), '9007199254740996');
  assert.equal(position(t), undefined);
});

test('a do-not-commit message above 2^53 is passed by a later committed one', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '9007199254740993');
  t.start('a', 0, '9007199254740995');
  t.done('a', 0, '9007199254740993', false);
  assert.equal(position(t), undefined);
  t.done('a', 0, '9007199254740995');
  assert.equal(position(t), '9007199254740996');
});

test('mark near the top of int64 and never moving back across 2^53', () => {
  const t = new OffsetTracker();
  const track = t.partition('a', 0);
  track.mark('9223372036854775806');
  assert.equal(position(t), INT64_MAX);
  track.mark('9007199254740990'); // a safe integer far below: ignored
  track.mark(TWO_53);
  assert.equal(position(t), undefined, 'positions never move back');
});

test('mark of 2^53 - 1 yields 2^53 exactly, then finishing below it offers nothing', () => {
  const t = new OffsetTracker();
  const track = t.partition('a', 0);
  track.start('9007199254740990');
  track.start(MAX_SAFE);
  track.mark(MAX_SAFE);
  assert.equal(position(t), TWO_53);
  track.finish('9007199254740990');
  track.finish(MAX_SAFE);
  assert.equal(position(t), undefined, 'already offered');
  assert.equal(t.inFlight(), 0);
});

test('restore compares exactly above 2^53 (one apart)', () => {
  const t = new OffsetTracker();
  t.start('a', 0, '9007199254740993');
  t.done('a', 0, '9007199254740993');
  const taken = t.takePending();
  assert.deepEqual(taken, [{ topic: 'a', partition: 0, offset: '9007199254740994' }]);
  t.restore(taken);
  assert.deepEqual(t.takePending(), taken, 'the failed position is retried');
  t.start('a', 0, '9007199254740994');
  t.done('a', 0, '9007199254740994');
  t.restore(taken); // one below the newer position: superseded
  assert.deepEqual(t.takePending(), [{ topic: 'a', partition: 0, offset: '9007199254740995' }]);
  t.restore([{ topic: 'a', partition: 0, offset: '9007199254740993' }]);
  assert.equal(t.hasPending(), false, 'an older position is not restored');
});

test('positions are canonical decimal text on both sides of 2^53', () => {
  const t = new OffsetTracker();
  for (const [p, o] of [
    [0, '0'],
    [1, '41'],
    [2, '999999999999999'],
    [3, '1000000000000000'],
    [4, INT64_MAX.replace(/7$/, '6')],
  ] as const) {
    t.start('a', p, o);
    t.done('a', p, o);
  }
  const got = t
    .takePending()
    .sort((x, y) => x.partition - y.partition)
    .map((o) => o.offset);
  assert.deepEqual(got, ['1', '42', '1000000000000000', '1000000000000001', INT64_MAX]);
});

test('text that is no integer offset is refused as before', () => {
  const t = new OffsetTracker();
  assert.throws(() => t.start('a', 0, 'abc'), SyntaxError);
  assert.throws(() => t.start('a', 0, '1.5'), SyntaxError);
  assert.equal(t.inFlight(), 0);
});
