import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsumerState, ConsumerStateMachine, consumerStateName } from '../../../lib/core/consumer/state.js';

test('numbers and names match dp-kafka', () => {
  assert.deepEqual(
    [
      ConsumerState.Initialising,
      ConsumerState.Stopped,
      ConsumerState.Starting,
      ConsumerState.Consuming,
      ConsumerState.Stopping,
      ConsumerState.Closing,
    ],
    [0, 1, 2, 3, 4, 5],
  );
  assert.equal(consumerStateName(ConsumerState.Consuming), 'Consuming');
});

test('legal transitions move and notify with the previous state; illegal ones are refused', () => {
  const sm = new ConsumerStateMachine();
  const seen: Array<[ConsumerState, ConsumerState]> = [];
  sm.onChange((s, p) => seen.push([s, p]));
  assert.equal(sm.moveTo(ConsumerState.Consuming), false, 'Initialising -> Consuming is illegal');
  assert.equal(sm.moveTo(ConsumerState.Stopped), true);
  assert.equal(sm.moveTo(ConsumerState.Stopping), false, 'Stopped -> Stopping is illegal');
  assert.equal(sm.moveTo(ConsumerState.Starting), true);
  assert.equal(sm.moveTo(ConsumerState.Consuming), true);
  assert.equal(sm.moveTo(ConsumerState.Starting), true, 'rebalance');
  assert.equal(sm.moveTo(ConsumerState.Stopping), true);
  assert.equal(sm.moveTo(ConsumerState.Consuming), false, 'Stopping -> Consuming is illegal');
  assert.equal(sm.moveTo(ConsumerState.Stopped), true);
  assert.equal(sm.moveTo(ConsumerState.Closing), true);
  for (const s of [0, 1, 2, 3, 4, 5] as ConsumerState[]) assert.equal(sm.moveTo(s), false, 'Closing is terminal');
  assert.deepEqual(seen, [
    [ConsumerState.Stopped, ConsumerState.Initialising],
    [ConsumerState.Starting, ConsumerState.Stopped],
    [ConsumerState.Consuming, ConsumerState.Starting],
    [ConsumerState.Starting, ConsumerState.Consuming],
    [ConsumerState.Stopping, ConsumerState.Starting],
    [ConsumerState.Stopped, ConsumerState.Stopping],
    [ConsumerState.Closing, ConsumerState.Stopped],
  ]);
});

test('waitFor resolves at once when current and later on entry', async () => {
  const sm = new ConsumerStateMachine();
  await sm.waitFor(ConsumerState.Initialising);
  let resolved = false;
  const waiting = sm.waitFor(ConsumerState.Stopped).then(() => (resolved = true));
  await Promise.resolve();
  assert.equal(resolved, false);
  sm.moveTo(ConsumerState.Stopped);
  await waiting;
  assert.equal(resolved, true);
});

test('a throwing listener is isolated and reported', () => {
  const reported: unknown[] = [];
  const sm = new ConsumerStateMachine((e) => reported.push(e));
  const after: ConsumerState[] = [];
  sm.onChange(() => {
    throw new Error('listener bug');
  });
  const off = sm.onChange((s) => after.push(s));
  assert.equal(sm.moveTo(ConsumerState.Stopped), true);
  off();
  sm.moveTo(ConsumerState.Starting);
  assert.deepEqual(after, [ConsumerState.Stopped]);
  assert.equal(reported.length, 2);
});
