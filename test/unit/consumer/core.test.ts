import type { ConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsumerGroupCore } from '../../../lib/core/consumer/consumer-group-core.js';
import { DoNotCommitError } from '../../../lib/core/consumer/commit-rule.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import {
  ConsumerStateError,
  HandlerRegistrationError,
  KafkaTimeoutError,
  MessageHandlerError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { FakeTransport, testGroupConfig } from './fake-transport.js';

function setup(overrides: Partial<ConsumerGroupConfig> = {}) {
  const config = testGroupConfig({ commitInterval: 60_000, ...overrides });
  const transport = new FakeTransport();
  const group = new ConsumerGroupCore(config, transport, silentLogger);
  const errors: KafkaError[] = [];
  group.errors.on((e) => errors.push(e));
  return { group, transport, errors };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('the constructor does not connect synchronously; initialisation retries in the background', async () => {
  const { group, transport } = setup();
  transport.failConnects = 2;
  assert.equal(transport.connectCalls, 0);
  assert.equal(group.state, ConsumerState.Initialising);
  await group.waitUntilInitialised();
  assert.equal(transport.connectCalls, 3);
  assert.equal(group.state, ConsumerState.Stopped);
  await group.close();
});

test('start while Initialising is recorded and honoured; group join means Consuming', async () => {
  const { group, transport } = setup();
  group.registerHandler(async () => {});
  await group.start();
  await group.waitForState(ConsumerState.Starting);
  assert.equal(transport.runCalls, 1);
  transport.listener!.onGroupJoin({ t: [0] });
  assert.equal(group.state, ConsumerState.Consuming);
  void transport.listener!.onRebalancing();
  assert.equal(group.state, ConsumerState.Starting);
  transport.listener!.onGroupJoin({ t: [0] });
  assert.equal(group.state, ConsumerState.Consuming);
  await group.close();
});

test('start needs a handler; one handler only', async () => {
  const { group } = setup();
  await assert.rejects(group.start(), HandlerRegistrationError);
  group.registerBatchHandler(async () => {});
  assert.equal(group.hasHandler(), true);
  assert.throws(() => group.registerHandler(async () => {}), HandlerRegistrationError);
  assert.throws(() => group.registerHandler('nope' as never), HandlerRegistrationError);
  await group.close();
});

test('stopAndWait resolves after in-flight handlers finished and their offsets were committed', async () => {
  const { group, transport } = setup({ numWorkers: 2 });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const handled: string[] = [];
  group.registerHandler(async (m) => {
    if (m.offset === '1') await gate;
    handled.push(m.offset);
  });
  await group.waitUntilInitialised();
  await group.start();
  transport.listener!.onGroupJoin({ t: [0] });
  const delivery = transport.deliver(0, [0, 1, 2]);
  await tick(5);
  const stopped = group.stopAndWait();
  await tick(5);
  assert.equal(group.state, ConsumerState.Stopping);
  assert.equal(transport.commits.length, 0, 'no commit before the drain');
  release();
  await stopped;
  await delivery;
  assert.deepEqual(handled, ['0', '1'], 'offset 2 is not dispatched after the stop');
  assert.equal(transport.lastCommitted(0), '2');
  assert.deepEqual(transport.resolved, ['0@1'], 'the last finished offset is resolved once');
  assert.ok(transport.log.indexOf('commit 0@2') < transport.log.indexOf('stop'), 'commit before leaving the group');
  assert.equal(group.state, ConsumerState.Stopped);
  await group.close();
});

test('handler errors are emitted and committed unless they say not to', async () => {
  const { group, transport, errors } = setup();
  group.registerHandler(async (m) => {
    if (m.offset === '0') throw new Error('plain');
    if (m.offset === '1') throw new DoNotCommitError();
  });
  await group.waitUntilInitialised();
  await group.start();
  await transport.deliver(0, [0]);
  await group.stopAndWait();
  assert.equal(transport.lastCommitted(0), '1');
  await group.start();
  await transport.deliver(0, [1]);
  await group.stopAndWait();
  assert.equal(transport.lastCommitted(0), '1', 'offset 1 not committed');
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e instanceof MessageHandlerError));
  assert.deepEqual(
    errors.map((e) => e.logData.commit),
    [true, false],
  );
  await group.close();
});

test('a rebalance seen by the heartbeat stops dispatch, finishes in-flight work and commits before returning', async () => {
  const { group, transport } = setup({ messageConsumeTimeout: 30 }); // heartbeat every 10 ms
  const handled: string[] = [];
  group.registerHandler(async (m) => {
    if (m.offset === '0') {
      transport.rebalancing = true;
      await tick(40);
    }
    handled.push(m.offset);
  });
  await group.waitUntilInitialised();
  await group.start();
  transport.listener!.onGroupJoin({ t: [0] });
  await transport.deliver(0, [0, 1, 2]);
  assert.deepEqual(handled, ['0']);
  assert.equal(transport.lastCommitted(0), '1');
  await group.close();
});

test('a crash moves to Starting and restarts after a back-off', async () => {
  const { group, transport, errors } = setup();
  group.registerHandler(async () => {});
  await group.waitUntilInitialised();
  await group.start();
  transport.listener!.onGroupJoin({ t: [0] });
  transport.listener!.onCrash(new Error('lost the coordinator'));
  assert.equal(group.state, ConsumerState.Starting);
  assert.equal(errors.length, 1);
  await tick(60);
  assert.equal(transport.runCalls, 2);
  assert.equal(transport.connectCalls, 2);
  await group.close();
});

test('close runs hooks before leaving, is safe twice, and gives up after its timeout', async () => {
  const { group, transport, errors } = setup();
  group.registerHandler(async () => {});
  await group.waitUntilInitialised();
  transport.hangDisconnect = true;
  const order: string[] = [];
  const first = group.close({ timeout: 50, onClosing: [() => void order.push('hook1'), async () => void order.push('hook2')] });
  const second = group.close();
  assert.equal(first, second);
  await first;
  assert.deepEqual(order, ['hook1', 'hook2']);
  assert.equal(transport.disconnectCalls, 1);
  assert.ok(errors.some((e) => e instanceof KafkaTimeoutError));
  assert.equal(group.state, ConsumerState.Closing);
  await assert.rejects(group.start(), ConsumerStateError);
  await group.stop();
});

test('start during Stopping restarts once the stop completed', async () => {
  const { group, transport } = setup();
  group.registerHandler(async () => {});
  await group.waitUntilInitialised();
  await group.start();
  const states: ConsumerState[] = [];
  group.onStateChange((s) => states.push(s));
  void group.stop();
  await group.start();
  await group.waitForState(ConsumerState.Starting);
  assert.deepEqual(states, [ConsumerState.Stopping, ConsumerState.Stopped, ConsumerState.Starting]);
  assert.equal(transport.runCalls, 2);
  await group.close();
});

test('batch mode: a partial batch is handled on stop and committed', async () => {
  const { group, transport } = setup({ batchSize: 10, batchWaitTime: 60_000 });
  const batches: string[][] = [];
  group.registerBatchHandler(async (ms) => void batches.push(ms.map((m) => m.offset)));
  await group.waitUntilInitialised();
  await group.start();
  const delivery = transport.deliver(0, [0, 1, 2]);
  await tick(5);
  assert.deepEqual(batches, []);
  await group.stopAndWait();
  await delivery;
  assert.deepEqual(batches, [['0', '1', '2']]);
  assert.equal(transport.lastCommitted(0), '3');
  await group.close();
});
