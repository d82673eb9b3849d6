import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BackgroundStartHold, scheduleBackgroundStart } from '../../../lib/core/background-start.js';

describe('background starts', () => {
  it('run on the next turn outside a hold', async () => {
    let started = 0;
    scheduleBackgroundStart(() => started++);
    assert.equal(started, 0, 'never inside the constructor');
    await nextTurn();
    assert.equal(started, 1);
  });

  it('wait for release inside a hold, and only starts scheduled while collecting are held', async () => {
    const hold = new BackgroundStartHold();
    const started: string[] = [];
    const built = hold.collect(() => {
      scheduleBackgroundStart(() => started.push('held'));
      return 'client';
    });
    scheduleBackgroundStart(() => started.push('free'));
    assert.equal(built, 'client');
    await nextTurn();
    await nextTurn();
    assert.deepEqual(started, ['free']);
    hold.release();
    hold.release();
    await nextTurn();
    assert.deepEqual(started, ['free', 'held'], 'released once');
  });

  it('nests: an inner hold does not leak into the outer one', async () => {
    const outer = new BackgroundStartHold();
    const inner = new BackgroundStartHold();
    const started: string[] = [];
    outer.collect(() => {
      inner.collect(() => scheduleBackgroundStart(() => started.push('inner')));
      scheduleBackgroundStart(() => started.push('outer'));
    });
    inner.release();
    await nextTurn();
    assert.deepEqual(started, ['inner']);
    outer.release();
    await nextTurn();
    assert.deepEqual(started, ['inner', 'outer']);
  });
});
