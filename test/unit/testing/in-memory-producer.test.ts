import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Schema } from 'avsc';
import kafkajs from 'kafkajs';
import {
  AvroCodecError,
  InvalidMessageError,
  KafkaConfigError,
  KafkaTimeoutError,
  MessageTooLargeError,
  ProducerClosedError,
  ProducerNotInitialisedError,
  ProducerSendError,
  UnexpectedMessageError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { runWithRequestId } from '../../../lib/core/request-context.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryProducer, type InMemoryProducerConfig } from '../../../lib/testing/in-memory-producer.js';

const SCHEMA: Schema = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

const open: InMemoryProducer[] = [];
after(async () => {
  await Promise.all(open.map((p) => p.close()));
});

async function ready(config: Partial<InMemoryProducerConfig> = {}): Promise<{ producer: InMemoryProducer; errors: KafkaError[] }> {
  const producer = new InMemoryProducer({ topic: 'orders', ...config });
  open.push(producer);
  const errors: KafkaError[] = [];
  producer.errors.on((e) => errors.push(e));
  await producer.waitUntilInitialised();
  return { producer, errors };
}

describe('InMemoryProducer', () => {
  it('is a KafkaProducer and initialises on its own, like the real one', async () => {
    const producer = new InMemoryProducer({ topic: 'orders' });
    open.push(producer);
    assert.ok(producer instanceof KafkaProducer);
    assert.equal(producer.isInitialised(), false);
    await assert.rejects(producer.sendJSON({}), ProducerNotInitialisedError);
    await producer.waitUntilInitialised();
    assert.equal(producer.isInitialised(), true);
  });

  it('records what was sent, raw and as a consumer reads it, with key, headers and request id', async () => {
    const { producer } = await ready({ requestId: 'producer-wide' });
    producer.addHeader('service', 'billing');
    await producer.send(SCHEMA, { id: 'o-1' }, { key: 'o-1', headers: { trace: 't-1' } });
    await runWithRequestId('req-in-context', () => producer.sendBytes(Buffer.from('raw')));
    await producer.sendJSON({ n: 1 });
    assert.equal(producer.sent.length, 3);
    const [avro, bytes, json] = producer.messages();
    assert.deepEqual({ ...avro!.decode<object>(SCHEMA) }, { id: 'o-1' });
    assert.equal(avro!.key?.toString(), 'o-1');
    assert.equal(avro!.getHeader('trace'), 't-1');
    assert.equal(avro!.getHeader('service'), 'billing');
    assert.equal(avro!.requestId, 'producer-wide');
    assert.equal(bytes!.value?.toString(), 'raw');
    assert.equal(bytes!.requestId, 'req-in-context');
    assert.deepEqual(json!.json(), { n: 1 });
    assert.deepEqual(
      producer.sent.map((s) => s.message.offset),
      ['0', '1', '2'],
    );
    assert.equal(producer.sent[0]!.raw.key, 'o-1');
    assert.deepEqual(producer.broker.messages('orders'), producer.messages());
  });

  it('spreads records over partitions by key hash, keeping one key on one partition', async () => {
    const { producer } = await ready({ partitions: 4 });
    for (let i = 0; i < 20; i++) void producer.sendJSON({ i }, { key: `k${i % 5}` });
    const messages = await producer.waitForMessages(20);
    const byKey = new Map<string, Set<number>>();
    for (const m of messages) byKey.set(m.key!.toString(), (byKey.get(m.key!.toString()) ?? new Set()).add(m.partition));
    assert.ok([...byKey.values()].every((partitions) => partitions.size === 1));
    assert.ok(
      producer.sent.every((s) => s.raw.partition === s.message.partition),
      'the sink records its placement on each record, so the ack check covers them',
    );
    assert.ok(new Set(messages.map((m) => m.partition)).size > 1, 'more than one partition used');
  });

  it('fails the next N sends when told to, with ProducerSendError on the promise and the error stream', async () => {
    const { producer, errors } = await ready();
    const cause = new Error('leader not available');
    producer.failNextSends(1, cause);
    const failed = producer.sendJSON({ n: 1 });
    await assert.rejects(failed, (e: unknown) => e instanceof ProducerSendError && e.cause === cause);
    await producer.sendJSON({ n: 2 });
    assert.deepEqual(
      producer.messages().map((m) => m.json()),
      [{ n: 2 }],
    );
    assert.ok(errors.some((e) => e instanceof ProducerSendError));
  });

  it('sends a batch again, as on a broker, when its failure is one a fail-over explains', async () => {
    const { producer, errors } = await ready({ retryBackoff: 1 });
    const { KafkaJSConnectionError } = kafkajs;
    producer.failNextSends(1, new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
    await producer.sendJSON({ n: 1 });
    assert.deepEqual(
      producer.messages().map((m) => m.json()),
      [{ n: 1 }],
    );
    assert.deepEqual(errors, [], 'a failure that passed is not an error');
  });

  it('fails every send until stopFailing', async () => {
    const { producer } = await ready();
    producer.failAllSends();
    await assert.rejects(producer.sendJSON(1), ProducerSendError);
    await assert.rejects(producer.sendJSON(2), ProducerSendError);
    producer.stopFailing();
    await producer.sendJSON(3);
    assert.deepEqual(
      producer.messages().map((m) => m.json()),
      [3],
    );
  });

  it('applies the real checks: size limit, bad options, Avro errors, unknown partitions, closed', async () => {
    const { producer } = await ready({ maxMessageBytes: 100, partitions: 2 });
    await assert.rejects(producer.sendBytes(Buffer.alloc(200)), MessageTooLargeError);
    await assert.rejects(producer.sendJSON(1, { partition: -1 }), InvalidMessageError);
    await assert.rejects(producer.send(SCHEMA, { id: 7 }), AvroCodecError);
    await assert.rejects(producer.sendJSON(1, { partition: 5 }), /partition 5 does not exist/);
    await producer.sendJSON(1, { partition: 1 });
    await producer.close();
    await assert.rejects(producer.sendJSON(1), ProducerClosedError);
    assert.equal(producer.sent.length, 1);
  });

  it('waitForMessageSent takes records one by one and decodes them', async () => {
    const { producer } = await ready();
    const pending = producer.waitForMessageSent<{ id: string }>(SCHEMA);
    void producer.send(SCHEMA, { id: 'a' });
    void producer.send(SCHEMA, { id: 'b' });
    assert.equal((await pending).id, 'a');
    assert.equal((await producer.waitForMessageSent<{ id: string }>(SCHEMA)).id, 'b');
    await assert.rejects(producer.waitForMessageSent(SCHEMA, 50), KafkaTimeoutError);
    void producer.sendJSON({ ok: true });
    assert.deepEqual(await producer.waitForJSONMessageSent(), { ok: true });
  });

  it('waitNoMessageSent resolves after a quiet window and rejects when a record is sent in it', async () => {
    const { producer } = await ready();
    await producer.waitNoMessageSent(30);
    const noisy = producer.waitNoMessageSent(2_000);
    void producer.sendJSON(1);
    await assert.rejects(noisy, UnexpectedMessageError);
  });

  it('waitForMessages times out with a KafkaTimeoutError naming the count', async () => {
    const { producer } = await ready();
    await assert.rejects(
      producer.waitForMessages(2, 30),
      (e: unknown) => e instanceof KafkaTimeoutError && /2 records sent to orders/.test(e.message),
    );
  });

  it('sends into a shared broker, visible to its readers', async () => {
    const broker = new InMemoryBroker({ defaultPartitions: 2 });
    const { producer } = await ready({ broker });
    await producer.sendJSON(1, { partition: 1 });
    assert.equal(broker.messages('orders', 1).length, 1);
    assert.equal(broker.partitionCount('orders'), 2);
  });

  it("rejects a bad config with one KafkaConfigError naming every bad field, the kit's included", () => {
    assert.throws(
      () => new InMemoryProducer({ topic: '', lingerMs: -1, partitions: 0 }),
      (e: unknown) =>
        e instanceof KafkaConfigError && ['topic', 'lingerMs', 'partitions'].every((f) => e.problems.some((p) => p.field === f)),
    );
    assert.throws(() => new InMemoryProducer({ topic: 't', broker: {} as InMemoryBroker }), /broker must be an InMemoryBroker/);
  });

  it("does not change the caller's config", async () => {
    const config = Object.freeze({ topic: 'frozen' });
    const producer = new InMemoryProducer(config);
    open.push(producer);
    assert.deepEqual(config, { topic: 'frozen' });
  });
});
