import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, describe, it, mock } from 'node:test';
import type { Message } from 'kafkajs';
import { BatchDispatcher } from '../../../../lib/core/consumer/batch-dispatcher.js';
import { DoNotCommitError } from '../../../../lib/core/consumer/commit-rule.js';
import type { DispatchGate } from '../../../../lib/core/consumer/dispatch.js';
import { resolveFailurePolicy } from '../../../../lib/core/consumer/failure/failure-config.js';
import type { FailureForwarder } from '../../../../lib/core/consumer/failure/failure-forwarder.js';
import { SinkFailureForwarder, forwarderProducerConfig } from '../../../../lib/core/consumer/failure/failure-forwarder.js';
import { FAILURE_HEADERS, readFailureHeaders } from '../../../../lib/core/consumer/failure/failure-headers.js';
import type { FailureSettings } from '../../../../lib/core/consumer/failure/failure-ladder.js';
import type { OnHandlerError } from '../../../../lib/core/consumer/failure/failure-policy.js';
import { FailureCounters } from '../../../../lib/core/consumer/failure/failure-stats.js';
import { createMessageInvoker, type MessageHandler } from '../../../../lib/core/consumer/invoke-handler.js';
import { OffsetTracker } from '../../../../lib/core/consumer/offset-tracker.js';
import { resolveConsumerGroupConfig } from '../../../../lib/core/config/consumer.js';
import {
  FailureForwardError,
  HandlerTimeoutError,
  MessageHandlerError,
  NonRetryableError,
  type KafkaError,
} from '../../../../lib/core/errors.js';
import type { KafkaLogger, LogData } from '../../../../lib/core/index.js';
import { KafkaMessage } from '../../../../lib/core/message.js';
import { silentLogger } from '../../../../lib/core/logger.js';
import { InMemoryBroker } from '../../../../lib/testing/in-memory-broker.js';
import { InMemoryProducerSink } from '../../../../lib/testing/in-memory-producer-sink.js';

/** A gate the test opens and closes, with the pipeline's signal semantics. */
class TestGate implements DispatchGate {
  private controller = new AbortController();
  shouldDispatch = true;
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  close(): void {
    this.shouldDispatch = false;
    this.controller.abort();
  }
}

interface Sent {
  readonly topic: string;
  readonly record: Message;
}

class RecordingForwarder implements FailureForwarder {
  readonly sent: Sent[] = [];
  async forward(topic: string, record: Message): Promise<boolean> {
    this.sent.push({ topic, record });
    return true;
  }
  async close(): Promise<void> {}
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The failure headers a forwarded record carries, read as a consumer would read them. */
function failureHeadersOf(sent: Sent): ReturnType<typeof readFailureHeaders> {
  const headers = sent.record.headers as Record<string, Buffer>;
  return readFailureHeaders(new KafkaMessage({ topic: 'x', partition: 0, offset: '0', value: null, headers }));
}

function message(topic = 'orders', offset = '5', headers: Record<string, string | Buffer> = {}): KafkaMessage {
  return new KafkaMessage({
    topic,
    partition: 1,
    offset,
    value: Buffer.from(`value-${offset}`),
    key: Buffer.from('key-1'),
    headers: { 'request-id': 'req-9', ...headers },
    timestamp: '1700000000000',
  });
}

function setup(onError: OnHandlerError, handlerTimeoutMs?: number, logger: KafkaLogger = silentLogger) {
  const stats = new FailureCounters();
  const forwarder = new RecordingForwarder();
  const errors: KafkaError[] = [];
  let stopRequests = 0;
  const failure: FailureSettings = {
    policy: resolveFailurePolicy(onError),
    handlerTimeoutMs,
    services: {
      groupName: 'billing',
      stats,
      forwarder: () => forwarder,
      requestStop: () => void stopRequests++,
      logger,
    },
  };
  const invoker = (handler: MessageHandler) =>
    createMessageInvoker({ handler, emit: (e) => errors.push(e), logData: () => ({ group: 'billing' }), failure });
  return { stats, forwarder, errors, failure, invoker, stopRequests: () => stopRequests };
}

const fast = { attempts: 3, initialMs: 1, maxMs: 5, jitter: 0 };

describe('failure ladder (single message)', () => {
  afterEach(() => mock.timers.reset());

  it('a handler failing twice then succeeding is handled once more per back-off and committed, nothing forwarded', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { invoker, forwarder, stats, errors } = setup({
      retry: { attempts: 3, initialMs: 100, multiplier: 2, maxMs: 1_000, jitter: 0 },
      then: 'deadLetter',
    });
    const calls: number[] = [];
    let failuresLeft = 2;
    const invoke = invoker(async () => {
      calls.push(Date.now());
      if (failuresLeft-- > 0) throw new Error('db down');
    });
    const result = invoke(message(), 1, new TestGate());
    await settle();
    assert.equal(calls.length, 1);
    mock.timers.tick(99);
    await settle();
    assert.equal(calls.length, 1, 'the first retry waits initialMs');
    mock.timers.tick(1);
    await settle();
    assert.equal(calls.length, 2);
    mock.timers.tick(199);
    await settle();
    assert.equal(calls.length, 2, 'the second retry waits initialMs × multiplier');
    mock.timers.tick(1);
    assert.equal(await result, true);
    assert.equal(calls.length, 3);
    assert.equal(forwarder.sent.length, 0);
    assert.equal(stats.snapshot().retries, 2);
    assert.equal(stats.snapshot().failures, 2);
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => e instanceof MessageHandlerError && e.logData.commit === false));
  });

  it('after in-place retries, kcn-first-failure-timestamp is the first failed call and kcn-last-failure-timestamp the forwarding', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const { invoker, forwarder } = setup({
      retry: { attempts: 2, initialMs: 100, multiplier: 2, maxMs: 1_000, jitter: 0 },
      then: 'deadLetter',
    });
    const result = invoker(async () => {
      throw new Error('db down');
    })(message(), 1, new TestGate());
    await settle();
    mock.timers.tick(100);
    await settle();
    mock.timers.tick(200);
    assert.equal(await result, true);
    const info = failureHeadersOf(forwarder.sent[0]!);
    assert.equal(info.firstFailureAt, 1_000_000, 'the first call failed at the start');
    assert.equal(info.lastFailureAt, 1_000_300, 'forwarded after the two waits');
  });

  it('retries run out: the record is dead-lettered with the failure headers and may be committed', async () => {
    const { invoker, forwarder, stats } = setup({ retry: fast, then: 'deadLetter' });
    let calls = 0;
    const ok = await invoker(async () => {
      calls++;
      throw new Error('still down');
    })(message(), 1, new TestGate());
    assert.equal(ok, true);
    assert.equal(calls, 4, 'one call and 3 retries');
    assert.equal(forwarder.sent.length, 1);
    const [{ topic, record }] = forwarder.sent;
    assert.equal(topic, 'orders.DLT');
    assert.deepEqual(record.key, Buffer.from('key-1'));
    assert.deepEqual(record.value, Buffer.from('value-5'));
    const headers = record.headers as Record<string, Buffer | string>;
    assert.equal(headers['request-id'], 'req-9');
    assert.equal(headers[FAILURE_HEADERS.exceptionMessage], 'still down');
    assert.equal(stats.snapshot().deadLettered, 1);
  });

  it('non-retryable errors skip the retries', async () => {
    const { invoker, forwarder, stats } = setup({ retry: fast, retryTopics: [1000], then: 'deadLetter' });
    let calls = 0;
    const ok = await invoker(async () => {
      calls++;
      throw new NonRetryableError('bad order');
    })(message(), 1, new TestGate());
    assert.equal(ok, true);
    assert.equal(calls, 1);
    assert.deepEqual(
      forwarder.sent.map((s) => s.topic),
      ['orders.DLT'],
      'the retry topic is skipped too',
    );
    assert.equal(stats.snapshot().nonRetryable, 1);
  });

  it('DoNotCommitError holds the offset: no retry, no forward', async () => {
    const { invoker, forwarder, stats } = setup({ retry: fast, then: 'deadLetter' });
    let calls = 0;
    const ok = await invoker(async () => {
      calls++;
      throw new DoNotCommitError();
    })(message(), 1, new TestGate());
    assert.equal(ok, false);
    assert.equal(calls, 1);
    assert.equal(forwarder.sent.length, 0);
    assert.equal(stats.snapshot().heldBack, 1);
  });

  it('stop: the group is asked to stop and the record is not committed', async () => {
    const { invoker, stopRequests, stats } = setup('stop');
    const ok = await invoker(async () => {
      throw new Error('boom');
    })(message(), 1, new TestGate());
    assert.equal(ok, false);
    assert.equal(stopRequests(), 1);
    assert.equal(stats.snapshot().stopped, 1);
  });

  it('commit after retries: reported and committed (dp-kafka behaviour after the retries)', async () => {
    const { invoker, errors, stats } = setup({ retry: { ...fast, attempts: 1 } });
    const ok = await invoker(async () => {
      throw new Error('boom');
    })(message(), 1, new TestGate());
    assert.equal(ok, true);
    assert.equal(errors.at(-1)?.logData.commit, true);
    assert.equal(stats.snapshot().committedAfterFailure, 1);
  });

  it('a closing gate cuts the back-off short and leaves the record uncommitted', async () => {
    const { invoker, forwarder, stats } = setup({ retry: { attempts: 5, initialMs: 60_000, jitter: 0 }, then: 'deadLetter' });
    const gate = new TestGate();
    let calls = 0;
    const result = invoker(async () => {
      calls++;
      throw new Error('down');
    })(message(), 1, gate);
    await settle();
    const closedAt = Date.now();
    gate.close();
    assert.equal(await result, false);
    assert.ok(Date.now() - closedAt < 1_000, 'returned at once, not after the 60 s wait');
    assert.equal(calls, 1);
    assert.equal(forwarder.sent.length, 0);
    assert.equal(stats.snapshot().heldBack, 1);
  });

  it('a hung handler times out (retryable), its late result is ignored and logged once', async () => {
    const lines: Array<{ message: string; data?: LogData }> = [];
    const logger: KafkaLogger = { ...silentLogger, warn: (m, d) => void lines.push({ message: m, data: d }) };
    const { invoker, errors, stats } = setup({ retry: { attempts: 1, initialMs: 1, jitter: 0 } }, 30, logger);
    let release!: () => void;
    let calls = 0;
    const ok = await invoker(
      () =>
        new Promise<void>((resolve) => {
          calls++;
          if (calls === 1) release = resolve;
          // the retry hangs too
        }),
    )(message(), 1, new TestGate());
    assert.equal(ok, true, 'last step commit');
    assert.equal(calls, 2, 'the time-out was retried');
    assert.equal(stats.snapshot().timeouts, 2);
    assert.ok(errors.every((e) => e.cause instanceof HandlerTimeoutError));
    release();
    await settle();
    assert.equal(lines.filter((l) => /finished late/.test(l.message)).length, 1);
  });
});

describe('failure ladder for records read from retry topics', () => {
  const policy: OnHandlerError = { retryTopics: [1_000, 10_000], then: 'deadLetter' };
  const failing = async () => {
    throw new Error('still failing');
  };

  it('main topic → first retry topic, with the due time and attempts', async () => {
    const { invoker, forwarder, stats } = setup(policy);
    const before = Date.now();
    assert.equal(await invoker(failing)(message('orders'), 1, new TestGate()), true);
    assert.equal(forwarder.sent[0]?.topic, 'orders.retry-1000');
    const info = failureHeadersOf(forwarder.sent[0]!);
    assert.ok(info.dueAt! >= before + 1_000 && info.dueAt! <= Date.now() + 1_000);
    assert.equal(info.attempts, 2, "Spring's count: the first retry topic holds delivery 2");
    assert.equal(info.originalTopic, 'orders');
    assert.equal(stats.snapshot().retryTopicForwards, 1);
  });

  it('retry topic 1 → retry topic 2 → dead letter, first-failure headers kept', async () => {
    const { invoker, forwarder } = setup(policy);
    const fromFirst = message('orders.retry-1000', '3', {
      [FAILURE_HEADERS.originalTopic]: 'orders',
      [FAILURE_HEADERS.originalOffset]: Buffer.from([0, 0, 0, 0, 0, 0, 0, 42]),
      [FAILURE_HEADERS.attempts]: Buffer.from([0, 0, 0, 2]), // delivery 2, as the first forward wrote it
      [FAILURE_HEADERS.firstFailure]: '123',
    });
    await invoker(failing)(fromFirst, 1, new TestGate());
    assert.equal(forwarder.sent[0]?.topic, 'orders.retry-10000');
    const fromLast = message('orders.retry-10000', '9', { [FAILURE_HEADERS.originalTopic]: 'orders' });
    await invoker(failing)(fromLast, 1, new TestGate());
    assert.equal(forwarder.sent[1]?.topic, 'orders.DLT');
    const hop = failureHeadersOf(forwarder.sent[0]!);
    assert.equal(hop.originalOffset, '42', 'the first failure is kept');
    assert.equal(hop.attempts, 3);
    assert.equal(hop.firstFailureAt, 123);
  });
});

const require = createRequire(import.meta.url);
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js') as { KafkaJSConnectionError: new (message: string) => Error };

describe('failure forwarder', () => {
  // A connection error is one the producer would send again until deliveryTimeoutMs; the forwarder
  // retries by itself (its waits cut short by a stop), so each refusal must reach forward() at once.
  for (const [what, refusal] of [
    ['a refused send', () => undefined],
    ['a send refused with a connection error', () => new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
  ] as const) {
    it(`${what} is reported and retried; the record is not committed when the gate closes first; it arrives once accepted`, async () => {
      const broker = new InMemoryBroker();
      const sink = new InMemoryProducerSink(broker);
      const stats = new FailureCounters();
      const errors: KafkaError[] = [];
      const settings = forwarderProducerConfig(
        resolveConsumerGroupConfig({
          brokers: ['in-memory:9092'],
          topic: 'orders',
          groupName: 'billing',
          logger: silentLogger,
          minRetryPeriod: 10,
          maxRetryPeriod: 40,
        }),
      );
      const forwarder = new SinkFailureForwarder({
        sink,
        settings,
        probe: false,
        stats,
        emit: (e) => errors.push(e),
        logger: silentLogger,
        logData: () => ({}),
      });
      try {
        sink.failAlways(refusal());
        const gate = new TestGate();
        const first = forwarder.forward('orders.DLT', { value: 'v' }, gate, {});
        while (stats.snapshot().forwardFailures < 3) await settle();
        gate.close();
        assert.equal(await first, false);
        assert.ok(errors.length >= 3 && errors.every((e) => e instanceof FailureForwardError && e.targetTopic === 'orders.DLT'));
        assert.equal(broker.messages('orders.DLT').length, 0);

        const second = forwarder.forward('orders.DLT', { value: 'v' }, new TestGate(), {});
        while (stats.snapshot().forwardFailures < 5) await settle();
        sink.stopFailing();
        assert.equal(await second, true);
        assert.equal(broker.messages('orders.DLT').length, 1);
      } finally {
        await forwarder.close();
      }
    });
  }
});

describe('failure ladder (batch handler)', () => {
  function batchOf(offsets: number[]) {
    return {
      topic: 'orders',
      partition: 1,
      messages: offsets.map((o) => message('orders', String(o))),
      resolveOffset: () => {},
      heartbeat: async () => true,
    };
  }

  for (const mode of ['whole', 'isolate'] as const) {
    it(`batchFailure ${mode}: a batch failing after its retries sends ${mode === 'whole' ? 'every record' : 'only the bad record'} to the dead-letter topic`, async () => {
      const { failure, forwarder, errors } = setup({
        retry: { attempts: 1, initialMs: 1, jitter: 0 },
        then: 'deadLetter',
        batchFailure: mode,
      });
      const tracker = new OffsetTracker();
      const calls: number[][] = [];
      const dispatcher = new BatchDispatcher({
        handler: async (messages) => {
          calls.push(messages.map((m) => Number(m.offset)));
          if (messages.some((m) => m.offset === '1')) throw new Error('record 1 is bad');
        },
        batchSize: 3,
        batchWaitTime: 10_000,
        tracker,
        emit: (e) => errors.push(e),
        logData: () => ({}),
        failure,
      });
      try {
        const gate = new TestGate();
        await dispatcher.dispatch(batchOf([0, 1, 2]), gate);
        await dispatcher.flush();
        const dead = forwarder.sent.map((s) => s.topic === 'orders.DLT' && failureHeadersOf(s).originalOffset);
        if (mode === 'whole') {
          assert.deepEqual(calls, [
            [0, 1, 2],
            [0, 1, 2],
          ]);
          assert.deepEqual(dead, ['0', '1', '2']);
        } else {
          assert.deepEqual(calls, [[0, 1, 2], [0, 1, 2], [0], [1], [1], [2]]);
          assert.deepEqual(dead, ['1']);
        }
        assert.deepEqual(
          tracker.takePending().map((o) => o.offset),
          ['3'],
          'every record was dead-lettered or handled: the position moves past the batch',
        );
      } finally {
        dispatcher.dispose();
      }
    });
  }
});
