import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { commitWithRetry, type CommitRetryOptions } from '../../../lib/core/consumer/commit-retry.js';
import { isCoordinatorError } from '../../../lib/core/consumer/kafkajs-coordinator.js';

/** A kafkajs-like error (protocol errors carry `type`, client errors a `name`). */
function kafkaJsError(fields: { type?: string; name?: string }, message = fields.type ?? fields.name ?? 'error'): Error {
  return Object.assign(new Error(message), fields);
}

const notCoordinator = () => kafkaJsError({ type: 'NOT_COORDINATOR_FOR_GROUP', name: 'KafkaJSProtocolError' });
const brokerGone = () => kafkaJsError({ name: 'KafkaJSBrokerNotFound' }, 'Broker 2 not found in the cached metadata');
const illegalGeneration = () => kafkaJsError({ type: 'ILLEGAL_GENERATION', name: 'KafkaJSProtocolError' });

/**
 * A fake commit transport: each attempt answers with the next scripted error (or succeeds once
 * the script is used up, or fails for good with `forever`); a coordinator search moves it on.
 */
function fakeTransport(script: Array<() => Error>, forever?: () => Error) {
  const log: string[] = [];
  let coordinator = 1;
  const send = async () => {
    const next = script.shift() ?? forever;
    log.push(`commit via ${coordinator}`);
    if (next) throw next();
  };
  const options = (overrides: Partial<CommitRetryOptions> = {}): CommitRetryOptions => ({
    classify: (error) => (isCoordinatorError(error) ? 'coordinator' : 'final'),
    refreshCoordinator: async () => {
      coordinator++;
      log.push(`found coordinator ${coordinator}`);
    },
    timeoutMs: 10_000,
    initialDelayMs: 100,
    maxDelayMs: 800,
    ...overrides,
  });
  return { send, options, log };
}

/** Runs `promise` to its end on the fake clock, ticking `step` ms at a time (at most `limit` ms). */
async function settleOnFakeClock(
  t: TestContext,
  promise: Promise<void>,
  step = 50,
  limit = 60_000,
): Promise<{ ok: true } | { error: unknown }> {
  let outcome: { ok: true } | { error: unknown } | undefined;
  promise.then(
    () => (outcome = { ok: true }),
    (error: unknown) => (outcome = { error }),
  );
  for (let elapsed = 0; outcome === undefined && elapsed <= limit; elapsed += step) {
    // Let the attempt's promise chain run, then move the clock.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    t.mock.timers.tick(step);
  }
  for (let i = 0; i < 10 && outcome === undefined; i++) await Promise.resolve();
  assert.ok(outcome, 'the commit settled within the fake time limit');
  return outcome;
}

test('a commit that meets a moved coordinator finds it again and retries the same commit', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { send, options, log } = fakeTransport([notCoordinator, brokerGone]);
  const retries: number[] = [];
  const outcome = await settleOnFakeClock(t, commitWithRetry(send, options({ onRetry: (_e, attempt) => retries.push(attempt) })));
  assert.deepEqual(outcome, { ok: true });
  assert.deepEqual(log, ['commit via 1', 'found coordinator 2', 'commit via 2', 'found coordinator 3', 'commit via 3']);
  assert.deepEqual(retries, [1, 2]);
});

test('retries wait a doubling pause, capped', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { send, options } = fakeTransport([brokerGone, brokerGone, brokerGone, brokerGone, brokerGone]);
  const at: number[] = [];
  const timed = async () => {
    at.push(Date.now());
    await send();
  };
  const outcome = await settleOnFakeClock(t, commitWithRetry(timed, options()), 10);
  assert.deepEqual(outcome, { ok: true });
  const gaps = at.slice(1).map((time, i) => time - at[i]!);
  // 100, 200, 400, 800, 800 (the cap), each rounded up to the 10 ms tick
  assert.deepEqual(
    gaps.map((g) => Math.round(g / 100) * 100),
    [100, 200, 400, 800, 800],
  );
});

test('"the group moved on" is not retried: the generation is gone, the commit must fail at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { send, options, log } = fakeTransport([illegalGeneration]);
  const outcome = await settleOnFakeClock(t, commitWithRetry(send, options()));
  assert.ok('error' in outcome && (outcome.error as { type?: string }).type === 'ILLEGAL_GENERATION');
  assert.deepEqual(log, ['commit via 1'], 'no coordinator search, no second attempt');
});

test('a coordinator that never comes back fails the commit with the last error once the time limit is reached', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { send, options, log } = fakeTransport([], brokerGone);
  const started = Date.now();
  const outcome = await settleOnFakeClock(t, commitWithRetry(send, options({ timeoutMs: 3_000 })));
  assert.ok('error' in outcome && (outcome.error as Error).name === 'KafkaJSBrokerNotFound');
  assert.ok(Date.now() - started <= 3_000, `gave up within the limit (${Date.now() - started} ms)`);
  // 100 + 200 + 400 + 800 + 800 = 2300 ms of pauses; the next 800 would pass 3000
  assert.equal(log.filter((l) => l.startsWith('commit')).length, 6);
});

test('a failing coordinator search does not end the retries: the next attempt tells', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { send, options, log } = fakeTransport([brokerGone, brokerGone]);
  let searches = 0;
  const outcome = await settleOnFakeClock(
    t,
    commitWithRetry(
      send,
      options({
        refreshCoordinator: async () => {
          searches++;
          if (searches === 1) throw kafkaJsError({ name: 'KafkaJSGroupCoordinatorNotFound' });
        },
      }),
    ),
  );
  assert.deepEqual(outcome, { ok: true });
  assert.equal(searches, 2);
  assert.equal(log.length, 3);
});

test('isCoordinatorError tells coordinator trouble from rebalances and refusals', () => {
  for (const e of [
    notCoordinator(),
    brokerGone(),
    kafkaJsError({ type: 'GROUP_COORDINATOR_NOT_AVAILABLE' }),
    kafkaJsError({ type: 'GROUP_LOAD_IN_PROGRESS' }),
    kafkaJsError({ name: 'KafkaJSConnectionError' }),
    kafkaJsError({ name: 'KafkaJSConnectionClosedError' }),
    kafkaJsError({ name: 'KafkaJSRequestTimeoutError' }),
  ]) {
    assert.equal(isCoordinatorError(e), true, e.message);
  }
  for (const e of [
    illegalGeneration(),
    kafkaJsError({ type: 'REBALANCE_IN_PROGRESS' }),
    kafkaJsError({ type: 'UNKNOWN_MEMBER_ID' }),
    kafkaJsError({ type: 'GROUP_AUTHORIZATION_FAILED' }),
    new Error('plain'),
    null,
    'text',
  ]) {
    assert.equal(isCoordinatorError(e), false, String(e));
  }
});
