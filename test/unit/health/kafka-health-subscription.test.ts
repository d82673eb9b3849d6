import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { ErrorHub } from '../../../lib/core/error-stream.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { startHealthSubscriptions, type SubscribableGroup } from '../../../lib/nest/health/kafka-health-subscription.js';
import { KafkaModuleError } from '../../../lib/nest/kafka-module.error.js';

function fakeGroup() {
  const calls: string[] = [];
  const group = {
    groupName: 'g',
    errors: new ErrorHub(silentLogger),
    state: ConsumerState.Stopped,
    start: async () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
    onStateChange: () => () => {},
  };
  return { calls, group: group as unknown as SubscribableGroup['group'] };
}

const until = async (cond: () => boolean) => {
  const end = Date.now() + 2_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('startHealthSubscriptions (module option healthSubscription)', () => {
  it('names every subscription that follows an undeclared producer, and starts nothing', () => {
    const a = fakeGroup();
    const b = fakeGroup();
    assert.throws(
      () =>
        startHealthSubscriptions(
          [
            { name: 'orders', group: a.group, healthSubscription: { source: { producer: 'nope' } } },
            { name: 'audit', group: b.group, healthSubscription: { source: { producer: 'gone' } } },
          ],
          () => undefined,
          silentLogger,
        ),
      (e: unknown) => e instanceof KafkaModuleError && e.problems.length === 2 && /"orders".*"nope"/.test(e.problems[0]!),
    );
  });

  it('drives only the groups that declare a subscription, until stopped', async () => {
    const followed = fakeGroup();
    const plain = fakeGroup();
    const stopAll = startHealthSubscriptions(
      [
        { name: 'orders', group: followed.group, healthSubscription: { source: async () => 'OK', interval: 10 } },
        { name: 'audit', group: plain.group },
      ],
      () => undefined,
      silentLogger,
    );
    await until(() => followed.calls.length === 1);
    stopAll();
    assert.deepEqual(followed.calls, ['start']);
    assert.deepEqual(plain.calls, []);
  });
});
