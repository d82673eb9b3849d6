import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignmentToList, PauseSet } from '../../../lib/core/consumer/pause-set.js';

describe('PauseSet', () => {
  it('pauses single partitions and whole topics, including partitions assigned later', () => {
    const set = new PauseSet();
    set.pause([{ topic: 'a', partitions: [1] }, { topic: 'b' }]);
    assert.equal(set.isPaused('a', 1), true);
    assert.equal(set.isPaused('a', 0), false);
    assert.equal(set.isPaused('b', 99), true, 'a whole-topic pause covers any partition');
    assert.equal(set.isTopicPaused('b'), true);
    assert.equal(set.isTopicPaused('a'), false);
  });

  it('resumes some partitions of a topic paused whole as exceptions, and the whole topic at once', () => {
    const set = new PauseSet();
    set.pause([{ topic: 'a' }]);
    set.resume([{ topic: 'a', partitions: [2] }]);
    assert.equal(set.isPaused('a', 2), false);
    assert.equal(set.isPaused('a', 3), true);
    assert.equal(set.isTopicPaused('a'), false, 'an exception makes it no longer whole');
    set.pause([{ topic: 'a', partitions: [2] }]);
    assert.equal(set.isPaused('a', 2), true);
    set.resume([{ topic: 'a' }]);
    assert.equal(set.isPaused('a', 2), false);
    assert.equal(set.isEmpty, true);
  });

  it('keeps a partition paused while any holder holds it: holders never resume each other', () => {
    const set = new PauseSet();
    set.pause([{ topic: 'a', partitions: [0] }]);
    set.pause([{ topic: 'a', partitions: [0, 1] }], 'retry-delay');
    set.resume([{ topic: 'a' }]);
    assert.equal(set.isPaused('a', 0), true, 'the other holder still holds it');
    assert.equal(set.isPaused('a', 0, 'app'), false);
    assert.equal(set.isPaused('a', 0, 'retry-delay'), true);
    set.resume([{ topic: 'a', partitions: [0] }], 'retry-delay');
    assert.equal(set.isPaused('a', 0), false);
    assert.equal(set.isPaused('a', 1), true);
    assert.deepEqual(
      set.pausedOf([
        { topic: 'a', partitions: [0, 1, 2] },
        { topic: 'z', partitions: [0] },
      ]),
      [{ topic: 'a', partitions: [1] }],
    );
  });

  it('turns an assignment record into a sorted list', () => {
    assert.deepEqual(assignmentToList({ b: [2, 0], a: [1] }), [
      { topic: 'a', partitions: [1] },
      { topic: 'b', partitions: [0, 2] },
    ]);
  });
});
