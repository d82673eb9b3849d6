import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorStream } from '../../../lib/core/error-stream.js';
import { KafkaError, MessageHandlerError, ProducerSendError } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';
import { AuthorizationStatus } from '../../../lib/core/security/auth-status.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { InMemoryProducer } from '../../../lib/testing/in-memory-producer.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';

interface Line {
  readonly message: string;
  readonly data: Record<string, unknown> | undefined;
}

/** A logger that keeps its error lines (the only level errors are logged at). */
function errorLines(): KafkaLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const none = () => undefined;
  return { lines, debug: none, info: none, warn: none, error: (message, data) => lines.push({ message, data }) };
}

describe('errors with no subscriber go to the logger, once', () => {
  it('an observer (the authorization status) does not silence the fallback logger', () => {
    const logger = errorLines();
    const stream = new ErrorStream(logger);
    const status = new AuthorizationStatus(stream);
    stream.emit(new KafkaError('boom', { topic: 't' }, { cause: new Error('root cause') }));
    assert.deepEqual(logger.lines, [{ message: 'boom', data: { topic: 't', error: 'KafkaError', cause: 'root cause' } }]);
    status.dispose();
  });

  it('a listener takes over; after it unsubscribes the fallback logs again', () => {
    const logger = errorLines();
    const stream = new ErrorStream(logger);
    const seen: string[] = [];
    const off = stream.on((e) => seen.push(e.message));
    stream.emit(new KafkaError('one'));
    assert.deepEqual(seen, ['one']);
    assert.equal(logger.lines.length, 0, 'a subscriber took the error: the fallback must not log it');
    off();
    stream.emit(new KafkaError('two'));
    assert.deepEqual(seen, ['one']);
    assert.deepEqual(
      logger.lines.map((l) => l.message),
      ['two'],
    );
  });

  it('a for-await loop takes over while it runs', async () => {
    const logger = errorLines();
    const stream = new ErrorStream(logger);
    const iterator = stream[Symbol.asyncIterator]();
    stream.emit(new KafkaError('read by the loop'));
    assert.equal((await iterator.next()).value?.message, 'read by the loop');
    assert.equal(logger.lines.length, 0);
    await iterator.return?.();
    stream.emit(new KafkaError('after the loop'));
    assert.deepEqual(
      logger.lines.map((l) => l.message),
      ['after the loop'],
    );
  });
});

describe('producer and consumer-group errors reach the configured logger', () => {
  it('a failed send of a producer nobody listens to is logged once', async () => {
    const logger = errorLines();
    const producer = new InMemoryProducer({ topic: 'orders', logger });
    try {
      await producer.waitUntilInitialised();
      producer.failNextSends(1, new Error('broker said no'));
      await assert.rejects(producer.sendJSON({ id: 'x' }), ProducerSendError);
      await waitUntil('the error logged', () => logger.lines.length > 0, 2_000);
      assert.equal(logger.lines.length, 1, JSON.stringify(logger.lines));
      assert.equal(logger.lines[0]!.data?.error, 'ProducerSendError');
      assert.equal(logger.lines[0]!.data?.topic, 'orders');
    } finally {
      await producer.close();
    }
  });

  it('logErrors() takes over from the fallback: each error is logged once, with its context', async () => {
    const logger = errorLines();
    const producer = new InMemoryProducer({ topic: 'orders', logger });
    try {
      await producer.waitUntilInitialised();
      producer.logErrors();
      producer.logErrors(); // twice is once
      producer.failNextSends(1, new Error('broker said no'));
      await assert.rejects(producer.sendJSON({ id: 'x' }), ProducerSendError);
      await waitUntil('the error logged', () => logger.lines.length > 0, 2_000);
      assert.deepEqual(
        logger.lines.map((l) => l.message),
        ['received kafka producer error'],
      );
      assert.equal(logger.lines[0]!.data?.topic, 'orders');
    } finally {
      await producer.close();
    }
  });

  it("a handler failure of a group nobody listens to is logged once, with the group's current state", async () => {
    const logger = errorLines();
    const group = new InMemoryConsumerGroup({ topic: 'orders', groupName: 'billing', logger });
    try {
      group.registerHandler(async () => {
        throw new Error('poison');
      });
      await group.start();
      group.queueJSON({ id: 1 });
      await group.waitForIdle();
      assert.equal(logger.lines.length, 1, JSON.stringify(logger.lines));
      const [line] = logger.lines;
      assert.equal(line!.data?.error, 'MessageHandlerError');
      assert.equal(line!.data?.cause, 'poison');
      // Registered while Initialising; the state in the log data is the one when it failed.
      assert.equal(line!.data?.state, 'Consuming');
      assert.ok(group.emittedErrors[0] instanceof MessageHandlerError);
    } finally {
      await group.close();
    }
  });

  it('a subscribed group logs nothing through the fallback; logErrors() logs once with the live state', async () => {
    const logger = errorLines();
    const group = new InMemoryConsumerGroup({ topic: 'orders', groupName: 'billing', logger });
    try {
      const seen: KafkaError[] = [];
      const off = group.errors.on((e) => seen.push(e));
      group.registerHandler(async () => {
        throw new Error('poison');
      });
      await group.start();
      group.queueJSON({ id: 1 });
      await group.waitForIdle();
      assert.equal(seen.length, 1);
      assert.equal(logger.lines.length, 0);
      off();
      group.logErrors();
      group.queueJSON({ id: 2 });
      await group.waitForIdle();
      assert.deepEqual(
        logger.lines.map((l) => l.message),
        ['kafka consumer group error'],
      );
      assert.equal(logger.lines[0]!.data?.state, 'Consuming');
    } finally {
      await group.close();
    }
  });
});
