import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { encodeAvro } from '../../../lib/core/avro.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { SchemaRegistryUnavailableError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createSchemaRegistryClient } from '../../../lib/core/registry/registry-cache.js';
import type { SchemaRegistry } from '../../../lib/core/registry/schema-registry.js';
import { decodeRegistryFrame, encodeRegistryFrame } from '../../../lib/core/registry/wire-format.js';
import { startSchemaRegistry } from '../../../scripts/registry/schema-registry.js';
import { createTopic, produceRaw, rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { useTestRegistry } from '../../support/registry.js';
import { ORDER_KEY, ORDER_V1, ORDER_V2, PAYMENT } from '../../support/registry-schemas.js';

const quiet = { brokers: sharedBrokers(), logger: silentLogger, kafkaJsLogLevel: 'nothing' } as const;
const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(open.map((client) => client.close()));
});

function producer(topic: string, registry: SchemaRegistry, autoRegister = true): KafkaProducer {
  const created = new KafkaProducer({ ...quiet, topic, schemaRegistry: { registry, autoRegister } });
  open.push(created);
  return created;
}

function group(topic: string, registry: SchemaRegistry, extra: Partial<ConstructorParameters<typeof KafkaConsumerGroup>[0]> = {}) {
  const created = new KafkaConsumerGroup({
    ...quiet,
    topic,
    groupName: uniqueName('registry-group'),
    schemaRegistry: { registry },
    fetchMaxWaitTime: 50,
    ...extra,
  });
  open.push(created);
  return created;
}

/** A registry client whose HTTP requests are counted. */
function countingClient(url: string): { client: SchemaRegistry; requests: string[] } {
  const requests: string[] = [];
  const client = createSchemaRegistryClient({
    url,
    requestTimeoutMs: 1_000,
    fetch: (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : input.toString()}`);
      return fetch(input, init);
    },
  });
  return { client, requests };
}

describe('schema registry through KafkaProducer and KafkaConsumerGroup (real broker, Apicurio)', () => {
  const testRegistry = useTestRegistry();

  it('round-trips framed values and keys; old and new writers read into new and old readers', async () => {
    const topic = uniqueName('registry-round-trip');
    await createTopic(topic, 1);
    const client = createSchemaRegistryClient({ url: testRegistry().ccompatUrl });
    const sender = producer(topic, client);
    await sender.waitUntilInitialised();
    await sender.send(ORDER_V1, { id: 'old' }, { key: { orderId: 'k-old' }, keySchema: ORDER_KEY });
    await sender.send(ORDER_V2, { id: 'new', note: 'hello' }, { key: { orderId: 'k-new' }, keySchema: ORDER_KEY });

    const asNew: unknown[] = [];
    const asOld: unknown[] = [];
    const keys: unknown[] = [];
    // A fresh client: every id is fetched from the registry by the consumer.
    const consumer = group(topic, createSchemaRegistryClient({ url: testRegistry().ccompatUrl }), {
      schemaRegistry: { registry: createSchemaRegistryClient({ url: testRegistry().ccompatUrl }), decodeKeys: true },
    });
    consumer.registerHandler(async (message: KafkaMessage) => {
      asNew.push({ ...message.decode<object>(ORDER_V2) });
      asOld.push({ ...message.decode<object>(ORDER_V1) });
      keys.push({ ...message.decodeKey<object>(ORDER_KEY) });
    });
    await consumer.start();
    await eventually('both records handled', () => asNew.length === 2);
    assert.deepEqual(asNew, [
      { id: 'old', note: 'none' },
      { id: 'new', note: 'hello' },
    ]);
    assert.deepEqual(asOld, [{ id: 'old' }, { id: 'new' }]);
    assert.deepEqual(keys, [{ orderId: 'k-old' }, { orderId: 'k-new' }]);
  });

  it('fetches an unknown id once for many records, and a warm producer makes no request', async () => {
    const topic = uniqueName('registry-once');
    await createTopic(topic, 1);
    const sending = countingClient(testRegistry().ccompatUrl);
    const sender = producer(topic, sending.client);
    await sender.waitUntilInitialised();
    await Promise.all(Array.from({ length: 30 }, (_, n) => sender.send(ORDER_V1, { id: `o-${n}` })));
    assert.equal(sending.requests.length, 1, `one registration for 30 sends: ${sending.requests.join(', ')}`);

    const reading = countingClient(testRegistry().ccompatUrl);
    const consumer = group(topic, reading.client);
    let handled = 0;
    consumer.registerHandler(async (message) => {
      message.decode(ORDER_V1);
      handled++;
    });
    await consumer.start();
    await eventually('30 records handled', () => handled === 30);
    assert.deepEqual(
      reading.requests.map((r) => r.replace(/^GET .*\/schemas\/ids\/\d+$/, 'GET schema by id')),
      ['GET schema by id'],
    );
  });

  it('a record without the magic byte goes to the dead-letter topic, the framed ones are handled', async () => {
    const topic = uniqueName('registry-dlt');
    await createTopic(topic, 1);
    await createTopic(`${topic}.DLT`, 1);
    const client = createSchemaRegistryClient({ url: testRegistry().ccompatUrl });
    const id = await client.register(`${topic}-value`, JSON.stringify(ORDER_V1));
    await produceRaw(topic, [
      { value: encodeRegistryFrame(id, encodeAvro(ORDER_V1, { id: 'a' })) },
      { value: encodeAvro(ORDER_V1, { id: 'plain' }) },
      { value: encodeRegistryFrame(id, encodeAvro(ORDER_V1, { id: 'b' })) },
    ]);
    const consumer = group(topic, client, { onError: { retry: { attempts: 3, initialMs: 10 }, then: 'deadLetter' } });
    const handled: string[] = [];
    consumer.registerHandler(async (message) => void handled.push(message.decode<{ id: string }>(ORDER_V1).id));
    await consumer.start();
    await eventually(
      'the framed records handled and the plain one dead-lettered',
      () => handled.length === 2 && consumer.failureStats().deadLettered === 1,
    );
    assert.deepEqual(handled, ['a', 'b']);
    assert.equal(consumer.failureStats().nonRetryable, 1);
    const dead = await readOne(`${topic}.DLT`);
    assert.deepEqual(dead.value, encodeAvro(ORDER_V1, { id: 'plain' }));
    assert.equal(dead.headers['kafka_dlt-exception-fqcn']?.toString(), 'RegistryFramingError');
  });

  it('a registry that stops answering fails only records of uncached ids (retried); they are handled once it is back', async () => {
    // A registry of this test's own: it is frozen (SIGSTOP) and thawed, which a shared one must not be.
    const own = await startSchemaRegistry();
    const thaw = () => process.kill(-own.jvm.pid!, 'SIGCONT');
    try {
      const url = `${own.url}/apis/ccompat/v7`;
      const topic = uniqueName('registry-outage');
      await createTopic(topic, 2);
      const client = createSchemaRegistryClient({ url, requestTimeoutMs: 1_000 });
      const cachedId = await client.register(`${topic}-value`, JSON.stringify(ORDER_V1));
      const laterId = await client.register(`${topic}-payments`, JSON.stringify(PAYMENT));
      // Two workers: an in-place retry holds its worker, so with one (the default) the retrying
      // partition would hold the other one too (see docs/schema-registry.md).
      const consumer = group(topic, createSchemaRegistryClient({ url, requestTimeoutMs: 1_000 }), {
        numWorkers: 2,
        onError: { retry: { attempts: 10_000, initialMs: 100, maxMs: 500 }, then: 'deadLetter' },
      });
      const errors: KafkaError[] = [];
      consumer.errors.on((error) => errors.push(error));
      const handled: string[] = [];
      consumer.registerHandler(async (message) => {
        const event = message.decode<{ id?: string; cents?: bigint | number }>();
        handled.push(event.id ?? `cents:${String(event.cents)}`);
      });
      await consumer.start();
      await produceRaw(topic, [{ partition: 0, value: encodeRegistryFrame(cachedId, encodeAvro(ORDER_V1, { id: 'warm' })) }]);
      await eventually('the warm-up record handled', () => handled.length === 1);

      process.kill(-own.jvm.pid!, 'SIGSTOP');
      // The cached-id record is written first: kafkajs fetches again from a broker only once every
      // batch of its last fetch is done, so one written after the retrying record could wait for it.
      await produceRaw(topic, [{ partition: 0, value: encodeRegistryFrame(cachedId, encodeAvro(ORDER_V1, { id: 'cached' })) }]);
      await produceRaw(topic, [{ partition: 1, value: encodeRegistryFrame(laterId, encodeAvro(PAYMENT, { cents: 7 })) }]);
      await eventually('the cached-id record handled while the registry is down', () => handled.includes('cached'));
      await eventually(
        'the uncached-id record failed with the retryable error, more than once',
        () => errors.filter((e) => causeChain(e).some((c) => c instanceof SchemaRegistryUnavailableError)).length >= 2,
      );
      assert.ok(!handled.includes('cents:7'));
      thaw();
      await eventually('the uncached-id record handled once the registry answers', () => handled.includes('cents:7'), 60_000);
      assert.equal(consumer.failureStats().deadLettered, 0);
      assert.deepEqual([...handled].sort(), ['cached', 'cents:7', 'warm']);
    } finally {
      thaw();
      await own.close();
    }
  });

  it('a producer writes with the registry framing its first send of a schema and every later one', async () => {
    const topic = uniqueName('registry-framing');
    await createTopic(topic, 1);
    const client = createSchemaRegistryClient({ url: testRegistry().ccompatUrl });
    const sender = producer(topic, client);
    await sender.waitUntilInitialised();
    await sender.send(PAYMENT, { cents: 1 });
    await sender.send(PAYMENT, { cents: 2 });
    const records = await readAll(topic, 2);
    const ids = records.map((r) => decodeRegistryFrame(r.value).schemaId);
    assert.equal(ids[0], ids[1]);
    assert.deepEqual(JSON.parse(await client.schemaById(ids[0]!)), PAYMENT);
  });
});

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

interface RawRecord {
  readonly value: Buffer;
  readonly headers: Record<string, Buffer | undefined>;
}

async function readAll(topic: string, count: number): Promise<RawRecord[]> {
  const consumer = rawKafka().consumer({ groupId: uniqueName('registry-reader') });
  const records: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({ value: message.value ?? Buffer.alloc(0), headers: (message.headers ?? {}) as Record<string, Buffer | undefined> });
      },
    });
    await eventually(`${count} record(s) read from ${topic}`, () => records.length >= count);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

async function readOne(topic: string): Promise<RawRecord> {
  return (await readAll(topic, 1))[0]!;
}
