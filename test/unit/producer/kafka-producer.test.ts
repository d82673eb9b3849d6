import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, ProducerBatch, RecordMetadata } from 'kafkajs';
import {
  KafkaConfigError,
  type KafkaError,
  KafkaOperationError,
  KafkaTimeoutError,
  ProducerClosedError,
  ProducerNotInitialisedError,
  ProducerSendError,
} from '../../../lib/core/errors.js';
import { silentLogger, type KafkaLogger } from '../../../lib/core/logger.js';
import { KafkaProducer, type ProducerSink } from '../../../lib/core/producer/kafka-producer.js';

/** An in-memory stand-in for the kafkajs producer, through the constructor's sink seam. */
class FakeSink implements ProducerSink {
  connectFailures = 0;
  connects = 0;
  disconnects = 0;
  batches: Message[][] = [];
  hold = false;
  failWith: unknown;
  private held: Array<() => void> = [];

  async connect(): Promise<void> {
    this.connects++;
    if (this.connectFailures > 0) {
      this.connectFailures--;
      throw new Error('broker down');
    }
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const messages = batch.topicMessages![0]!.messages;
    this.batches.push(messages);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the fake throws whatever the test gave it
    if (this.failWith !== undefined) throw this.failWith;
    return [{ topicName: 't', partition: 0, errorCode: 0 }];
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
}

const config = { brokers: ['127.0.0.1:9'], topic: 't', logger: silentLogger, minRetryPeriod: 10, maxRetryPeriod: 40 };

function collect(producer: KafkaProducer): KafkaError[] {
  const seen: KafkaError[] = [];
  producer.errors.on((e) => seen.push(e));
  return seen;
}

test('a bad config throws one KafkaConfigError from the constructor', () => {
  assert.throws(
    () => new KafkaProducer({ brokers: [], topic: '' }),
    (e: unknown) => e instanceof KafkaConfigError && e.problems.length === 2,
  );
});

test('keeps retrying initialisation in the background until connect succeeds', async () => {
  const sink = new FakeSink();
  sink.connectFailures = 3;
  const producer = new KafkaProducer(config, sink);
  const errors = collect(producer);
  assert.equal(producer.isInitialised(), false);
  await assert.rejects(producer.sendBytes('early'), ProducerNotInitialisedError);
  await producer.waitUntilInitialised();
  assert.equal(sink.connects, 4);
  assert.equal(producer.isInitialised(), true);
  assert.deepEqual(
    errors.map((e) => e.name),
    ['ProducerNotInitialisedError'],
    'init retries are logged, not emitted',
  );
  await producer.sendBytes('late');
  assert.equal(sink.batches.flat().length, 1);
  await producer.close();
});

test('initialise() makes one attempt now and rejects with KafkaOperationError when it fails', async () => {
  const sink = new FakeSink();
  sink.connectFailures = 1_000;
  const producer = new KafkaProducer({ ...config, minRetryPeriod: 60_000, maxRetryPeriod: 60_000 }, sink);
  await sleep(5);
  const before = sink.connects;
  await assert.rejects(producer.initialise(), KafkaOperationError);
  assert.ok(sink.connects > before);
  sink.connectFailures = 0;
  await producer.initialise();
  assert.equal(producer.isInitialised(), true);
  await producer.initialise(); // idempotent
  await producer.close();
});

test('fire-and-forget sends that fail never become unhandled rejections', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const sink = new FakeSink();
    const producer = new KafkaProducer(config, sink);
    const errors = collect(producer);
    await producer.waitUntilInitialised();
    sink.failWith = new Error('NOT_LEADER_FOR_PARTITION');
    void producer.sendBytes('a');
    void producer.sendBytes('b');
    await sleep(20);
    assert.equal(errors.length, 1, 'one error for the failed batch');
    assert.ok(errors[0] instanceof ProducerSendError);
    assert.match(errors[0]!.message, /NOT_LEADER_FOR_PARTITION/);
    await producer.close();
    void producer.sendBytes('after close');
    await sleep(20);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('close() flushes queued records before disconnecting', async () => {
  const sink = new FakeSink();
  const producer = new KafkaProducer({ ...config, lingerMs: 60_000 }, sink);
  await producer.waitUntilInitialised();
  const sends = [producer.sendBytes('1'), producer.sendBytes('2')];
  assert.equal(sink.batches.length, 0, 'still lingering');
  await producer.close();
  await Promise.all(sends);
  assert.deepEqual(
    sink.batches.map((b) => b.map((m) => m.value)),
    [['1', '2']],
  );
  assert.equal(sink.disconnects, 1);
});

test('close() gives up after its timeout: unacknowledged records reject with KafkaTimeoutError', async () => {
  const sink = new FakeSink();
  sink.hold = true;
  const producer = new KafkaProducer(config, sink);
  const errors = collect(producer);
  await producer.waitUntilInitialised();
  const send = producer.sendBytes('stuck');
  await sleep(5);
  await producer.close({ timeout: 50 });
  await assert.rejects(send, KafkaTimeoutError);
  assert.ok(errors.some((e) => e instanceof KafkaTimeoutError));
  assert.equal(sink.disconnects, 1);
  sink.release(); // a late ack changes nothing, but the connection kafkajs may have reopened is closed
  await sleep(5);
  assert.equal(sink.disconnects, 2);
});

test('close() is safe twice, and an invalid timeout is a KafkaConfigError that closes nothing', async () => {
  const sink = new FakeSink();
  const producer = new KafkaProducer(config, sink);
  await producer.waitUntilInitialised();
  await assert.rejects(producer.close({ timeout: Number.NaN }), KafkaConfigError);
  assert.equal(producer.isClosed(), false);
  await Promise.all([producer.close(), producer.close()]);
  await producer.close();
  assert.equal(sink.disconnects, 1);
  await assert.rejects(producer.sendBytes('x'), ProducerClosedError);
});

test('closing before initialisation rejects the initialised signal and stops the retries', async () => {
  const sink = new FakeSink();
  sink.connectFailures = 1_000;
  const producer = new KafkaProducer(config, sink);
  const signal = producer.waitUntilInitialised();
  await sleep(30);
  await producer.close();
  await assert.rejects(signal, ProducerClosedError);
  const attempts = sink.connects;
  await sleep(100);
  assert.equal(sink.connects, attempts, 'no attempt after close');
});

test('logErrors() logs each emitted error once with the topic', async () => {
  const lines: Array<[string, Record<string, unknown> | undefined]> = [];
  const logger: KafkaLogger = { ...silentLogger, error: (m, d) => lines.push([m, d]) };
  const producer = new KafkaProducer({ ...config, logger }, new FakeSink());
  producer.logErrors();
  producer.logErrors();
  await producer.close();
  await assert.rejects(producer.sendBytes('x'), ProducerClosedError);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]![0], 'received kafka producer error');
  assert.equal(lines[0]![1]?.topic, 't');
});
