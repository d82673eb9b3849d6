import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, ProducerBatch, RecordMetadata } from 'kafkajs';
import { DEFAULT_MAX_QUEUED_BYTES, resolveProducerConfig, type ProducerConfig } from '../../../lib/core/config/producer.js';
import {
  KafkaConfigError,
  KafkaTimeoutError,
  ProducerQueueFullError,
  ProducerSendError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer, type ProducerSink } from '../../../lib/core/producer/kafka-producer.js';

/** An in-memory kafkajs producer stand-in whose acks the test holds back and releases. */
class HoldingSink implements ProducerSink {
  batches: Message[][] = [];
  hold = true;
  failWith: unknown;
  private held: Array<() => void> = [];

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.batches.push(batch.topicMessages![0]!.messages);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the fake throws whatever the test gave it
    if (this.failWith !== undefined) throw this.failWith;
    return [{ topicName: 't', partition: 0, errorCode: 0 }];
  }
  /** Acknowledges every held batch. */
  release(): void {
    for (const ack of this.held.splice(0)) ack();
  }
  values(): string[] {
    return this.batches.flat().map((m) => String(m.value));
  }
}

// With requestId 'r' a record is 36 (framing) + value + 21 (the request-id header) bytes:
// a 43-character value makes exactly 100 bytes, so 3 records fill a 300-byte budget.
const RECORD_BYTES = 100;
const value = (tag: string) => tag.padEnd(43, '.');
const config: ProducerConfig = {
  brokers: ['127.0.0.1:9'],
  topic: 't',
  logger: silentLogger,
  requestId: 'r',
  maxMessageBytes: RECORD_BYTES,
  maxQueuedBytes: 3 * RECORD_BYTES,
};

async function openProducer(sink: HoldingSink): Promise<{ producer: KafkaProducer; errors: KafkaError[] }> {
  const producer = new KafkaProducer(config, sink);
  const errors: KafkaError[] = [];
  producer.errors.on((e) => errors.push(e));
  await producer.waitUntilInitialised();
  return { producer, errors };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a send past maxQueuedBytes rejects at once with ProducerQueueFullError and queues nothing', async () => {
  const sink = new HoldingSink();
  const { producer, errors } = await openProducer(sink);
  const accepted = ['a', 'b', 'c'].map((tag) => producer.sendBytes(value(tag)));
  const refused = producer.sendBytes(value('d'));
  await assert.rejects(refused, (error: unknown) => {
    assert.ok(error instanceof ProducerQueueFullError);
    assert.deepEqual(error.logData, { topic: 't', queuedBytes: 300, maxQueuedBytes: 300, size: RECORD_BYTES });
    assert.match(error.message, /maxQueuedBytes 300/);
    return true;
  });
  assert.deepEqual(errors, [await refused.catch((e: unknown) => e)], 'the refusal is emitted on errors too');
  await turn();
  assert.deepEqual(sink.values(), ['a', 'b', 'c'].map(value), 'the refused record was never queued');
  sink.release();
  await Promise.all(accepted);
  await producer.close();
});

test('bytes awaiting acks count as well as queued ones; acks free them and sends are accepted again', async () => {
  const sink = new HoldingSink();
  const { producer, errors } = await openProducer(sink);
  const first = [producer.sendBytes(value('a')), producer.sendBytes(value('b'))];
  await turn(); // the batch [a, b] is now in flight, nothing queued
  assert.equal(sink.batches.length, 1);
  const third = producer.sendBytes(value('c')); // queued behind the in-flight batch: 300 bytes
  await assert.rejects(producer.sendBytes(value('d')), ProducerQueueFullError);
  sink.hold = false;
  sink.release();
  await Promise.all([...first, third]);
  await Promise.all(['e', 'f', 'g'].map((tag) => producer.sendBytes(value(tag))));
  assert.deepEqual(sink.values(), ['a', 'b', 'c', 'e', 'f', 'g'].map(value));
  assert.equal(errors.length, 1, 'only the one refusal');
  await producer.close();
});

test('a failed batch frees its bytes too', async () => {
  const sink = new HoldingSink();
  const { producer } = await openProducer(sink);
  sink.failWith = new Error('NOT_LEADER_FOR_PARTITION');
  const doomed = ['a', 'b', 'c'].map((tag) => producer.sendBytes(value(tag)));
  await assert.rejects(producer.sendBytes(value('d')), ProducerQueueFullError);
  sink.hold = false;
  sink.release();
  for (const send of doomed) await assert.rejects(send, ProducerSendError);
  sink.failWith = undefined;
  await producer.sendBytes(value('e'));
  await producer.close();
});

test('output() waits for room instead of failing, and keeps the write order', async () => {
  const sink = new HoldingSink();
  const { producer, errors } = await openProducer(sink);
  const plain = ['a', 'b', 'c'].map((tag) => producer.sendBytes(value(tag)));
  const stream = producer.output({ highWaterMark: 4 });
  for (const tag of ['s1', 's2', 's3', 's4']) stream.write(value(tag));
  stream.end();
  for (let i = 0; i < 5; i++) await turn();
  assert.deepEqual(sink.values(), ['a', 'b', 'c'].map(value), 'stream records wait while the queue is full');
  assert.deepEqual(errors, [], 'waiting is not an error');
  sink.hold = false;
  sink.release();
  await finished(stream);
  await Promise.all(plain);
  assert.deepEqual(sink.values(), ['a', 'b', 'c', 's1', 's2', 's3', 's4'].map(value));
  assert.deepEqual(errors, []);
  await producer.close();
});

test('close() with stream records still waiting for room rejects them with the timeout, never drops them', async () => {
  const sink = new HoldingSink();
  const { producer, errors } = await openProducer(sink);
  const plain = ['a', 'b', 'c'].map((tag) => producer.sendBytes(value(tag)));
  const stream = producer.output();
  const streamError = new Promise<unknown>((resolve) => stream.on('error', resolve));
  stream.write(value('s1'));
  await sleep(5);
  await producer.close({ timeout: 30 });
  for (const send of plain) await assert.rejects(send, KafkaTimeoutError);
  assert.ok((await streamError) instanceof KafkaTimeoutError, 'the waiting record fails the stream');
  assert.equal(errors.filter((e) => e instanceof KafkaTimeoutError).length, 1);
  assert.deepEqual(sink.values(), ['a', 'b', 'c'].map(value), 's1 was never sent');
  sink.release();
});

test('maxQueuedBytes defaults to 64 MiB', () => {
  assert.equal(DEFAULT_MAX_QUEUED_BYTES, 64 * 1024 * 1024);
  assert.equal(resolveProducerConfig({ brokers: ['a:1'], topic: 't', logger: silentLogger }).maxQueuedBytes, DEFAULT_MAX_QUEUED_BYTES);
});

test('maxQueuedBytes must be a positive integer and at least maxMessageBytes, in one config error', () => {
  const problemsOf = (extra: Partial<ProducerConfig>): string[] => {
    try {
      resolveProducerConfig({ brokers: ['a:1'], topic: 't', logger: silentLogger, ...extra });
    } catch (error) {
      assert.ok(error instanceof KafkaConfigError);
      return error.problems.map((p) => `${p.field}: ${p.problem}`);
    }
    assert.fail('config was accepted');
  };
  for (const bad of [0, -1, 1.5, Number.POSITIVE_INFINITY, Number.NaN, '1000' as unknown as number]) {
    assert.deepEqual(problemsOf({ maxQueuedBytes: bad }), ['maxQueuedBytes: must be an integer > 0'], String(bad));
  }
  assert.deepEqual(problemsOf({ maxQueuedBytes: 999_999 }), [
    'maxQueuedBytes: must be at least maxMessageBytes (1000000) so that a record of the largest size fits',
  ]);
  assert.deepEqual(problemsOf({ maxQueuedBytes: 0, retryMax: -1 }).length, 2, 'named together with other bad fields');
  const config = { brokers: ['a:1'], topic: 't', logger: silentLogger, maxMessageBytes: 1_000, maxQueuedBytes: 1_000 };
  assert.equal(resolveProducerConfig(config).maxQueuedBytes, 1_000);
  assert.equal(config.maxQueuedBytes, 1_000, 'caller config untouched');
});
