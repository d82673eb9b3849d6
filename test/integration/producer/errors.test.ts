import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type avro from 'avsc';
import {
  AvroCodecError,
  InvalidMessageError,
  KafkaConfigError,
  type KafkaError,
  MessageTooLargeError,
  ProducerClosedError,
} from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { readBack } from './read-back.js';

const schema: avro.Schema = { type: 'record', name: 'Thing', fields: [{ name: 'id', type: 'string' }] };

describe('producer errors on a real broker: typed, reported, never crashing', () => {
  const topic = uniqueName('producer-errors');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let producer: KafkaProducer;
  const emitted: KafkaError[] = [];

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    await createTopic(topic, 1);
    producer = new KafkaProducer({
      brokers: sharedBrokers(),
      topic,
      logger: silentLogger,
      maxMessageBytes: 1_000,
      retryMax: 1,
      retryBackoff: 50,
    });
    producer.errors.on((e) => emitted.push(e));
    await producer.waitUntilInitialised();
  });
  after(async () => {
    await producer?.close();
    process.off('unhandledRejection', onUnhandled);
  });

  it('rejects an oversized record before any network call, naming its size', async () => {
    await assert.rejects(producer.sendBytes(Buffer.alloc(2_000)), (e: unknown) => {
      assert.ok(e instanceof MessageTooLargeError);
      assert.match(e.message, /record of \d+ bytes exceeds maxMessageBytes 1000/);
      assert.equal(e.logData.topic, topic);
      return true;
    });
    assert.ok(
      emitted.some((e) => e instanceof MessageTooLargeError),
      'also emitted on the error stream',
    );
  });

  it('rejects a bad schema and an event that does not match with AvroCodecError', async () => {
    await assert.rejects(producer.send({ type: 'no-such-type' } as unknown as avro.Schema, {}), AvroCodecError);
    await assert.rejects(
      producer.send(schema, { id: 42 }),
      (e: unknown) => e instanceof AvroCodecError && /invalid field\(s\) id/.test(e.message),
    );
  });

  it('rejects values and options that cannot make a record with InvalidMessageError', async () => {
    await assert.rejects(producer.sendBytes(42 as unknown as string), InvalidMessageError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await assert.rejects(producer.sendJSON(cycle), InvalidMessageError);
    await assert.rejects(producer.sendJSON('x', { partition: -2 }), InvalidMessageError);
  });

  it('a record for a partition that does not exist fails alone, with InvalidMessageError', async () => {
    // kafkajs would drop it silently and report success; the other records of its batch still go.
    const bad = producer.sendJSON({ n: 1 }, { partition: 7 });
    const good = producer.sendJSON({ n: 2 }, { partition: 0 });
    await assert.rejects(bad, (e: unknown) => e instanceof InvalidMessageError && /partition 7 does not exist/.test(e.message));
    await good;
    assert.ok(emitted.some((e) => e instanceof InvalidMessageError && /partition 7/.test(e.message)));
  });

  it('fire-and-forget failures never become unhandled rejections', async () => {
    const before = emitted.length;
    void producer.sendBytes(Buffer.alloc(5_000));
    void producer.send(schema, { id: 1 });
    void producer.sendJSON(undefined);
    await sleep(50);
    assert.equal(emitted.length - before, 3, 'each failure is on the error stream');
    assert.deepEqual(unhandled, []);
  });

  it('still delivers after all those failures', async () => {
    await producer.send(schema, { id: 'ok' });
    const records = await readBack(topic, 2);
    assert.equal(records.length, 2, 'the partition-0 record and this one, nothing else');
  });

  it('after close: sends and initialise reject with ProducerClosedError; close is safe twice', async () => {
    await assert.rejects(producer.close({ timeout: -1 }), KafkaConfigError);
    assert.equal(producer.isInitialised(), true, 'a rejected close option closes nothing');
    const first = producer.close();
    const second = producer.close();
    await Promise.all([first, second]);
    await producer.close();
    assert.equal(producer.isInitialised(), false);
    assert.equal(producer.isClosed(), true);
    await assert.rejects(producer.sendJSON({ late: true }), ProducerClosedError);
    await assert.rejects(producer.initialise(), ProducerClosedError);
    void producer.sendBytes('fire and forget after close');
    await sleep(10);
    assert.ok(emitted.some((e) => e instanceof ProducerClosedError));
    assert.deepEqual(unhandled, []);
  });
});
