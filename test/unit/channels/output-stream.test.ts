import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidMessageError, KafkaConfigError, ProducerSendError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { ProducerOutputStream, type OutputTarget } from '../../../lib/core/producer/output-stream.js';
import type { SendOptions } from '../../../lib/core/producer/record.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Sent {
  value: string;
  options: SendOptions | undefined;
  ack: () => void;
  fail: (error: unknown) => void;
}

/** A producer stand-in whose acks the test controls (or gives at once with `autoAck`). */
function fakeTarget(autoAck = true): OutputTarget & { sent: Sent[]; reported: KafkaError[]; initialise: () => void } {
  let initialise!: () => void;
  const initialised = new Promise<void>((resolve) => (initialise = resolve));
  const sent: Sent[] = [];
  const reported: KafkaError[] = [];
  return {
    topic: 't',
    sent,
    reported,
    errors: { emit: (error) => void reported.push(error) },
    initialise,
    waitUntilInitialised: () => initialised,
    sendBytes(value, options) {
      return new Promise<void>((ack, fail) => {
        sent.push({ value: Buffer.from(value).toString(), options, ack, fail });
        if (autoAck) ack();
      });
    },
  };
}

test('pipeline delivers Buffers, strings and record objects in order and resolves', async () => {
  const target = fakeTarget();
  target.initialise();
  await pipeline(
    Readable.from([Buffer.from('a'), 'b', { value: 'c', key: 'k', headers: { h: '1' } }]),
    new ProducerOutputStream(target, 4),
  );
  assert.deepEqual(
    target.sent.map((s) => s.value),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(target.sent[2]!.options, { key: 'k', headers: { h: '1' } });
});

test('writes wait for initialisation, then at most highWaterMark records await acks; end waits for every ack', async () => {
  const target = fakeTarget(false);
  const stream = new ProducerOutputStream(target, 2);
  for (const v of ['1', '2', '3', '4']) stream.write(v);
  let finished = false;
  stream.end(() => (finished = true));
  await settle();
  assert.equal(target.sent.length, 0, 'nothing is sent before the producer is initialised');
  target.initialise();
  await settle();
  assert.equal(target.sent.length, 2, 'the third write waits for an ack');
  target.sent[0]!.ack();
  await settle();
  assert.equal(target.sent.length, 3);
  target.sent[1]!.ack();
  target.sent[2]!.ack();
  await settle();
  assert.equal(target.sent.length, 4);
  assert.equal(finished, false, 'end waits for the last ack');
  target.sent[3]!.ack();
  await settle();
  assert.equal(finished, true);
});

test('a bad record errors the stream with InvalidMessageError and is not sent', async () => {
  const target = fakeTarget();
  target.initialise();
  await assert.rejects(
    pipeline(Readable.from(['ok', { value: 42 }, 'never']), new ProducerOutputStream(target, 4)),
    (e: unknown) => e instanceof InvalidMessageError && /value must be/.test(e.message),
  );
  assert.deepEqual(
    target.sent.map((s) => s.value),
    ['ok'],
  );
  assert.ok(target.reported[0] instanceof InvalidMessageError, 'also reported on the producer error stream');
});

test('with no error listener a failure ends the stream quietly instead of crashing the process', async () => {
  const target = fakeTarget();
  target.initialise();
  const stream = new ProducerOutputStream(target, 4);
  stream.write(42);
  await settle();
  assert.equal(stream.destroyed, true);
  assert.equal(target.reported.length, 1);
});

test('a failed send errors the stream with that error', async () => {
  const target = fakeTarget(false);
  target.initialise();
  const failure = new ProducerSendError('t', new Error('broker said no'));
  const done = pipeline(Readable.from(['a', 'b']), new ProducerOutputStream(target, 4));
  await settle();
  target.sent[0]!.fail(failure);
  await assert.rejects(done, (e: unknown) => e === failure);
});

test('KafkaProducer.output validates highWaterMark and returns an object-mode writable', async () => {
  const producer = new KafkaProducer({ brokers: ['127.0.0.1:1'], topic: 't', logger: silentLogger });
  try {
    assert.throws(
      () => producer.output({ highWaterMark: 0 }),
      (e: unknown) => e instanceof KafkaConfigError && /highWaterMark/.test(e.message),
    );
    const stream = producer.output({ highWaterMark: 3 });
    assert.equal(stream.writableObjectMode, true);
    assert.equal(stream.writableHighWaterMark, 3);
    stream.destroy();
  } finally {
    await producer.close({ timeout: 100 });
  }
});
