/**
 * A batch whose request fails in a way a broker restart or leader fail-over explains is sent again,
 * same records in the same order, until `deliveryTimeoutMs` after its first request; any other
 * failure, a stopped producer or a passed deadline rejects the batch with one emitted error.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test, type TestContext } from 'node:test';
import { KafkaAuthorizationError, ProducerSendError, type KafkaError } from '../../../lib/core/errors.js';
import { sendTopicBatch } from '../../../lib/core/producer/topic-batch-sender.js';
import { explicit, run, ScriptedSink, settings } from './scripted-sink.js';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
type ErrorClass = new (message: string | Error, options?: object) => Error;
const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = require('kafkajs/src/errors.js') as Record<
  string,
  ErrorClass
>;

/** What kafkajs' sendBatch rejects with once its own retries met a refused connection every time. */
function refusedAfterRetries(): Error {
  const refused = new KafkaJSConnectionError!('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092' });
  return new KafkaJSNumberOfRetriesExceeded!(refused, { retryCount: 3, retryTime: 800 });
}

const protocolError = (code: number): Error => new KafkaJSProtocolError!(createErrorFromCode(code));

/** Lets the batch's promise chain run while mocked time stands still. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sendTopicBatch: a failed request that may pass is sent again until deliveryTimeoutMs', () => {
  test('refused twice, then acknowledged: the same records in the same order, nothing emitted, each retry reported', async () => {
    const sink = new ScriptedSink();
    sink.script.push({ fail: refusedAfterRetries() }, { fail: protocolError(6) }); // then NOT_LEADER_OR_FOLLOWER, then ok
    const { result, errors, resends } = run(sink, explicit(['a', 0], ['b', 1], ['c', 0]), { deliveryTimeoutMs: 30_000 });
    assert.equal(await result, undefined);
    assert.deepEqual(errors, []);
    assert.equal(sink.calls.length, 3);
    for (const call of sink.calls) assert.deepEqual(call, sink.calls[0]);
    assert.deepEqual(
      resends.map((r) => [r.partitions, r.records, r.attempt, r.delayMs]),
      [
        [[0, 1], 3, 1, 1],
        [[0, 1], 3, 2, 2],
      ],
      'the pause starts at retryBackoff and doubles',
    );
    assert.match(resends[0]!.cause!, /ECONNREFUSED/);
    assert.match(resends[1]!.cause!, /not the leader/);
  });

  test('gives up once the next pause would pass the deadline: one ProducerSendError with the last cause, emitted once', async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const sink = new ScriptedSink();
    const last = refusedAfterRetries();
    sink.script.push(...Array.from({ length: 20 }, (_, i) => ({ fail: i === 5 ? last : refusedAfterRetries() })));
    const started = Date.now();
    const { result, errors, resends } = run(sink, explicit(['a', 0]), { retryBackoff: 100, deliveryTimeoutMs: 2_500 });
    let outcome: unknown;
    result.then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    while (outcome === undefined) {
      await settle();
      t.mock.timers.tick(50);
    }
    // Pauses 100, 200, 400, 800, 1000 (capped) end at 2,500 ms; the next 1,000 ms would pass the deadline.
    assert.deepEqual(
      resends.map((r) => r.delayMs),
      [100, 200, 400, 800, 1000],
    );
    assert.equal(sink.calls.length, 6);
    assert.ok(Date.now() - started >= 2_500 && Date.now() - started < 2_600, `gave up after ${Date.now() - started} ms`);
    assert.ok(outcome instanceof ProducerSendError);
    assert.equal(outcome.cause, last);
    assert.match(outcome.message, /failed to send to topic t: .*ECONNREFUSED/);
    assert.deepEqual(errors, [outcome]);
  });

  test('deliveryTimeoutMs 0: the first failure rejects the batch (kafkajs retries only, as dp-kafka)', async () => {
    const sink = new ScriptedSink();
    sink.script.push({ fail: refusedAfterRetries() });
    const { result, errors, resends } = run(sink, explicit(['a', 0]), { deliveryTimeoutMs: 0 });
    await assert.rejects(result, ProducerSendError);
    assert.equal(sink.calls.length, 1);
    assert.deepEqual(resends, []);
    assert.equal(errors.length, 1);
  });

  test('failures sending again cannot cure reject at once, whatever the deadline', async () => {
    const cases: Array<[string, unknown, new (...args: never[]) => KafkaError]> = [
      ['record too large (MESSAGE_TOO_LARGE)', protocolError(10), ProducerSendError],
      ['invalid record (INVALID_RECORD)', protocolError(87), ProducerSendError],
      ['topic authorization failed', protocolError(29), KafkaAuthorizationError],
      ['an error kafkajs did not make', new Error('sink broke'), ProducerSendError],
    ];
    for (const [what, failure, type] of cases) {
      const sink = new ScriptedSink();
      sink.script.push({ fail: failure });
      const { result, errors, resends } = run(sink, explicit(['a', 0]), { deliveryTimeoutMs: 30_000 });
      await assert.rejects(result, type, what);
      assert.equal(sink.calls.length, 1, what);
      assert.deepEqual(resends, [], what);
      assert.equal(errors.length, 1, what);
    }
  });

  test('a producer that is disconnecting does not send again', async () => {
    const sink = new ScriptedSink();
    sink.script.push({ fail: refusedAfterRetries() });
    const errors: KafkaError[] = [];
    const batch = sendTopicBatch(
      { sink, settings: { ...settings, deliveryTimeoutMs: 30_000 }, emit: (e) => errors.push(e), stopped: () => true },
      explicit(['a', 0]),
    );
    await assert.rejects(batch, ProducerSendError);
    assert.equal(sink.calls.length, 1);
    assert.equal(errors.length, 1);
  });
});
