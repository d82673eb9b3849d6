import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashRecovery } from '../../../lib/core/consumer/crash-recovery.js';
import { KafkaOperationError, type KafkaError } from '../../../lib/core/errors.js';
import { FetchStallWatch } from '../../../lib/core/consumer/fetch-stall.js';
import { silentLogger } from '../../../lib/core/logger.js';

function setup(wanted = () => true) {
  const emitted: KafkaError[] = [];
  let restarts = 0;
  const recovery = new CrashRecovery({
    minRetryPeriod: 5,
    maxRetryPeriod: 20,
    isRestartWanted: wanted,
    restart: () => void restarts++,
    emit: (e) => emitted.push(e),
    logger: silentLogger,
    watch: new FetchStallWatch(30_000),
    logData: () => ({ group: 'g' }),
  });
  return { recovery, emitted, restarts: () => restarts };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('each crash is emitted with its attempt number and restarts after the pause; reset starts over', async () => {
  const { recovery, emitted, restarts } = setup();
  recovery.crashed(new Error('one'));
  await sleep(40);
  recovery.crashed(new Error('two'));
  await sleep(40);
  assert.equal(restarts(), 2);
  recovery.reset();
  recovery.crashed(new Error('three'));
  recovery.cancel();
  await sleep(40);
  assert.equal(restarts(), 2, 'a cancelled restart never runs');
  assert.deepEqual(
    emitted.map((e) => [e instanceof KafkaOperationError, e.logData.attempt, e.logData.group]),
    [
      [true, 1, 'g'],
      [true, 2, 'g'],
      [true, 1, 'g'],
    ],
  );
  assert.match(emitted[0]!.message, /^error consuming, will retry: one/);
});

test('no restart when it is no longer wanted at the end of the pause', async () => {
  const { recovery, restarts } = setup(() => false);
  recovery.crashed(new Error('crash'));
  await sleep(40);
  assert.equal(restarts(), 0);
});

test('a transient kafkajs cause is debug for its first 10 s (a topic auto-created at first start), reported once if it persists, and each other cause once per episode', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const emitted: KafkaError[] = [];
  const debug: string[] = [];
  const recovery = new CrashRecovery({
    minRetryPeriod: 100,
    maxRetryPeriod: 1_600,
    isRestartWanted: () => false,
    restart: () => undefined,
    emit: (e) => emitted.push(e),
    logger: { ...silentLogger, debug: (message) => void debug.push(message) },
    watch: new FetchStallWatch(30_000),
    logData: () => ({ group: 'g' }),
  });
  const notHosted = new Error('This server does not host this topic-partition');
  recovery.crashed(notHosted);
  t.mock.timers.tick(4_000);
  recovery.crashed(notHosted);
  t.mock.timers.tick(5_999);
  recovery.crashed(notHosted);
  assert.equal(emitted.length, 0, 'quiet while the episode is younger than 10 s');
  assert.equal(debug.length, 3);
  t.mock.timers.tick(1);
  recovery.crashed(notHosted);
  recovery.crashed(notHosted);
  assert.equal(emitted.length, 1, 'persisting past the grace: reported once');
  recovery.crashed(new Error('LZ4 compression not implemented'));
  recovery.crashed(new Error('LZ4 compression not implemented'));
  assert.equal(emitted.length, 2, 'another cause in the same episode: reported once too');
  recovery.reset();
  recovery.crashed(notHosted);
  assert.equal(emitted.length, 2, 'after the fetch loop worked, a new episode has its own grace');
  recovery.cancel();
});
