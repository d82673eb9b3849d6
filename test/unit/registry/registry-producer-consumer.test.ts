import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notRetryableReason } from '../../../lib/core/consumer/failure/classify.js';
import {
  HandlerRegistrationError,
  InvalidMessageError,
  KafkaConfigError,
  RegistryFramingError,
  SchemaRegistrationError,
  SchemaRegistryUnavailableError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { RegisteredSchema, SchemaRegistry } from '../../../lib/core/registry/schema-registry.js';
import { decodeRegistryFrame, encodeRegistryFrame } from '../../../lib/core/registry/wire-format.js';
import { topicRecordNameStrategy } from '../../../lib/core/registry/subject-name-strategy.js';
import { encodeAvro } from '../../../lib/core/avro.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryProducer, type InMemoryProducerConfig } from '../../../lib/testing/in-memory-producer.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/in-memory-schema-registry.js';
import { eventually } from '../../support/eventually.js';
import { inMemoryGroups } from '../../support/in-memory-groups.js';
import { ORDER_KEY, ORDER_V1, ORDER_V2, PAYMENT } from '../../support/registry-schemas.js';

/** Counts the calls that reach the registry behind it. */
class CountingRegistry implements SchemaRegistry {
  calls = 0;
  constructor(readonly inner: InMemorySchemaRegistry) {}
  register(subject: string, schema: string): Promise<number> {
    this.calls++;
    return this.inner.register(subject, schema);
  }
  schemaById(id: number): Promise<string> {
    this.calls++;
    return this.inner.schemaById(id);
  }
  latestVersion(subject: string): Promise<RegisteredSchema> {
    this.calls++;
    return this.inner.latestVersion(subject);
  }
}

const { newGroup, closeAfterTests } = inMemoryGroups();

async function producerOn(
  broker: InMemoryBroker,
  config: Partial<InMemoryProducerConfig>,
): Promise<{ producer: InMemoryProducer; errors: KafkaError[] }> {
  const producer = closeAfterTests(new InMemoryProducer({ topic: 'orders', broker, ...config }));
  const errors: KafkaError[] = [];
  producer.errors.on((error) => errors.push(error));
  await producer.waitUntilInitialised();
  return { producer, errors };
}

describe('registry producer (in-memory)', () => {
  it('frames values and keys, registers once, and sends a warm schema without asking the registry', async () => {
    const registry = new CountingRegistry(new InMemorySchemaRegistry());
    const { producer } = await producerOn(new InMemoryBroker(), { schemaRegistry: { registry, autoRegister: true } });
    await producer.send(ORDER_V1, { id: 'o-1' }, { key: { orderId: 'o-1' }, keySchema: ORDER_KEY });
    const afterFirst = registry.calls;
    assert.equal(afterFirst, 2, 'one registration for the value, one for the key');
    await producer.send(ORDER_V1, { id: 'o-2' }, { key: { orderId: 'o-2' }, keySchema: ORDER_KEY });
    await producer.send(ORDER_V1, { id: 'o-3' }, { key: 'plain-key' });
    assert.equal(registry.calls, afterFirst, 'warm sends make no registry call');
    assert.deepEqual(registry.inner.listSubjects(), ['orders-value', 'orders-key']);
    const [first, , third] = producer.messages();
    const value = decodeRegistryFrame(first!.value);
    const key = decodeRegistryFrame(first!.key);
    assert.notEqual(value.schemaId, key.schemaId);
    assert.equal(third!.key?.toString(), 'plain-key', 'without keySchema the key is sent as given');
    assert.equal(decodeRegistryFrame(third!.value).schemaId, value.schemaId);
  });

  it('keeps the send order when a record waits for the registry and later ones do not', async () => {
    const registry = new InMemorySchemaRegistry();
    const { producer } = await producerOn(new InMemoryBroker(), {
      schemaRegistry: { registry, autoRegister: true, subjectNameStrategy: topicRecordNameStrategy },
    });
    await producer.send(ORDER_V1, { id: 'warm' });
    const sends = [producer.send(PAYMENT, { cents: 5 }), producer.send(ORDER_V1, { id: 'after' }), producer.send(PAYMENT, { cents: 6 })];
    await Promise.all(sends);
    const ids = producer.messages().map((m) => decodeRegistryFrame(m.value).schemaId);
    const [orderId, paymentId] = [ids[0]!, ids[1]!];
    assert.notEqual(orderId, paymentId);
    assert.deepEqual(ids, [orderId, paymentId, orderId, paymentId]);
  });

  it('writes with a fixed schema id, and with the latest version by default', async () => {
    const inner = new InMemorySchemaRegistry();
    const v1 = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const v2 = await inner.register('orders-value', JSON.stringify(ORDER_V2));
    const { producer } = await producerOn(new InMemoryBroker(), { schemaRegistry: { registry: inner } });
    await producer.send(ORDER_V2, { id: 'a', note: 'n' });
    await producer.send(ORDER_V1, { id: 'b' }, { schemaId: v1 });
    assert.deepEqual(
      producer.messages().map((m) => decodeRegistryFrame(m.value).schemaId),
      [v2, v1],
    );
  });

  it('picks up a new latest version after latestVersionTtlMs, in the background, without a restart', async () => {
    const inner = new InMemorySchemaRegistry();
    const v1 = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const { producer } = await producerOn(new InMemoryBroker(), { schemaRegistry: { registry: inner, latestVersionTtlMs: 1 } });
    const forever = (await producerOn(new InMemoryBroker(), { schemaRegistry: { registry: inner, latestVersionTtlMs: Infinity } }))
      .producer;
    await producer.send(ORDER_V2, { id: 'a', note: 'x' });
    await forever.send(ORDER_V1, { id: 'a' });
    const v2 = await inner.register('orders-value', JSON.stringify(ORDER_V2));
    await eventually('the producer writes with v2', async () => {
      await producer.send(ORDER_V2, { id: 'b', note: 'y' });
      return decodeRegistryFrame(producer.messages().at(-1)!.value).schemaId === v2;
    });
    assert.equal(decodeRegistryFrame(producer.messages()[0]!.value).schemaId, v1);
    await forever.send(ORDER_V1, { id: 'b' });
    assert.equal(decodeRegistryFrame(forever.messages().at(-1)!.value).schemaId, v1, 'Infinity keeps the first latest version');
  });

  it('a refused registration rejects the send with SchemaRegistrationError naming the subject, also on errors', async () => {
    const inner = new InMemorySchemaRegistry();
    await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const { producer, errors } = await producerOn(new InMemoryBroker(), { schemaRegistry: { registry: inner, autoRegister: true } });
    await assert.rejects(producer.send(PAYMENT, { cents: 1 }), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistrationError, `got ${String(error)}`);
      assert.equal(error.subject, 'orders-value');
      assert.match(error.message, /orders-value/);
      assert.ok(error.registryMessage.length > 0);
      return true;
    });
    assert.ok(errors.some((e) => e instanceof SchemaRegistrationError));
    assert.equal(producer.messages().length, 0);
  });

  it('a plain producer refuses the registry send options; its Avro stays unframed', async () => {
    const { producer } = await producerOn(new InMemoryBroker(), {});
    await assert.rejects(producer.send(ORDER_V1, { id: 'x' }, { schemaId: 1 }), InvalidMessageError);
    await producer.send(ORDER_V1, { id: 'x' });
    assert.deepEqual(producer.messages()[0]!.value, encodeAvro(ORDER_V1, { id: 'x' }));
  });

  it('checks the schemaRegistry option, naming every bad field', () => {
    assert.throws(
      () =>
        new InMemoryProducer({
          topic: 'orders',
          schemaRegistry: { registry: {}, autoRegister: 'yes', latestVersionTtlMs: 0, strategy: 1 } as never,
        }),
      (error: unknown) => {
        assert.ok(error instanceof KafkaConfigError);
        assert.deepEqual(error.problems.map((p) => p.field).sort(), [
          'schemaRegistry.autoRegister',
          'schemaRegistry.latestVersionTtlMs',
          'schemaRegistry.registry',
          'schemaRegistry.strategy',
        ]);
        return true;
      },
    );
  });
});

describe('registry consumer group (in-memory)', () => {
  it('decodes values and keys by the id they carry into the reader schema, old writer and new writer', async () => {
    const inner = new InMemorySchemaRegistry();
    const broker = new InMemoryBroker();
    const { producer } = await producerOn(broker, { schemaRegistry: { registry: inner, autoRegister: true } });
    await producer.send(ORDER_V1, { id: 'old' }, { key: { orderId: 'k1' }, keySchema: ORDER_KEY });
    await producer.send(ORDER_V2, { id: 'new', note: 'hi' }, { key: { orderId: 'k2' }, keySchema: ORDER_KEY });
    const group = newGroup({ broker, schemaRegistry: { registry: inner, decodeKeys: true } });
    const asV2: unknown[] = [];
    const asV1: unknown[] = [];
    const asWriter: unknown[] = [];
    const keys: unknown[] = [];
    group.registerHandler(async (message) => {
      asV2.push({ ...message.decode<object>(ORDER_V2) });
      asV1.push({ ...message.decode<object>(ORDER_V1) });
      asWriter.push({ ...message.decode<object>() });
      keys.push({ ...message.decodeKey<object>(ORDER_KEY) });
    });
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(asV2, [
      { id: 'old', note: 'none' },
      { id: 'new', note: 'hi' },
    ]);
    assert.deepEqual(asV1, [{ id: 'old' }, { id: 'new' }]);
    assert.deepEqual(asWriter, [{ id: 'old' }, { id: 'new', note: 'hi' }]);
    assert.deepEqual(keys, [{ orderId: 'k1' }, { orderId: 'k2' }]);
  });

  it('fetches an unknown id once for many records', async () => {
    const inner = new InMemorySchemaRegistry();
    const id = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const registry = new CountingRegistry(inner);
    const group = newGroup({ schemaRegistry: { registry } });
    const seen: string[] = [];
    group.registerHandler(async (message) => void seen.push(message.decode<{ id: string }>(ORDER_V1).id));
    for (let n = 0; n < 20; n++) group.queueBytes(encodeRegistryFrame(id, encodeAvro(ORDER_V1, { id: `o-${n}` })));
    await group.start();
    await group.waitForIdle();
    assert.equal(seen.length, 20);
    assert.equal(registry.calls, 1);
  });

  it('a registry that is down fails only records of uncached ids, retryably; they are handled once it is back', async () => {
    const inner = new InMemorySchemaRegistry();
    const known = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const later = await inner.register('payments-value', JSON.stringify(PAYMENT));
    const group = newGroup({
      schemaRegistry: { registry: inner },
      onError: { retry: { attempts: 1_000, initialMs: 5, maxMs: 20 }, then: 'deadLetter' },
    });
    const errors: KafkaError[] = [];
    group.errors.on((error) => errors.push(error));
    const handled: string[] = [];
    group.registerHandler(async (message) => {
      const event = message.decode<{ id?: string; cents?: number }>();
      handled.push(event.id ?? `cents:${event.cents}`);
    });
    await group.start();
    group.queueBytes(encodeRegistryFrame(known, encodeAvro(ORDER_V1, { id: 'warm' })), { partition: 0 });
    await eventually('the warm-up record handled', () => handled.length === 1);
    inner.setUnavailable(true);
    group.queueBytes(encodeRegistryFrame(later, encodeAvro(PAYMENT, { cents: 7 })));
    await eventually('the uncached record failed with the retryable error', () =>
      errors.some((e) => hasCause(e, SchemaRegistryUnavailableError)),
    );
    assert.deepEqual(handled, ['warm']);
    inner.setUnavailable(false);
    await eventually('handled once the registry is back', () => handled.length === 2);
    assert.deepEqual(handled, ['warm', 'cents:7']);
    assert.equal(group.failureStats().deadLettered, 0);
  });

  it('a record without the magic byte is a RegistryFramingError: not retried, dead-lettered', async () => {
    const inner = new InMemorySchemaRegistry();
    const id = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const group = newGroup({ schemaRegistry: { registry: inner }, onError: { retry: { attempts: 3, initialMs: 5 }, then: 'deadLetter' } });
    let calls = 0;
    group.registerHandler(async (message) => {
      calls++;
      message.decode(ORDER_V1);
    });
    await group.start();
    group.queueBytes(encodeAvro(ORDER_V1, { id: 'plain' }));
    group.queueBytes(encodeRegistryFrame(id, encodeAvro(ORDER_V1, { id: 'framed' })));
    await group.waitForIdle();
    assert.equal(calls, 1, 'the handler never saw the unframed record');
    assert.equal(group.failureStats().deadLettered, 1);
    assert.equal(group.failureStats().nonRetryable, 1);
    const [dead] = group.broker.messages('orders.DLT');
    assert.deepEqual(dead?.value, encodeAvro(ORDER_V1, { id: 'plain' }));
  });

  it('batch handlers get prepared records; messages() is refused', async () => {
    const inner = new InMemorySchemaRegistry();
    const id = await inner.register('orders-value', JSON.stringify(ORDER_V1));
    const group = newGroup({ schemaRegistry: { registry: inner }, batchSize: 5 });
    const seen: string[] = [];
    group.registerBatchHandler(async (messages: KafkaMessage[]) => {
      for (const m of messages) seen.push(m.decode<{ id: string }>(ORDER_V2).id);
    });
    for (let n = 0; n < 5; n++) group.queueBytes(encodeRegistryFrame(id, encodeAvro(ORDER_V1, { id: `b-${n}` })));
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(seen, ['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
    const channelGroup = newGroup({ schemaRegistry: { registry: inner } });
    assert.throws(() => channelGroup.messages(), HandlerRegistrationError);
  });

  it('the failure policy sees SchemaRegistryUnavailableError as retryable and RegistryFramingError as not', () => {
    const unavailable = new SchemaRegistryUnavailableError('http://r', 'down', new RegistryFramingError('x'));
    assert.equal(notRetryableReason(unavailable, { isRetryable: undefined }), undefined);
    assert.equal(notRetryableReason(new RegistryFramingError('no magic byte'), { isRetryable: undefined }), 'decode');
  });
});

function hasCause(error: unknown, type: abstract new (...args: never[]) => Error): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    if (current instanceof type) return true;
    current = (current as Error).cause;
  }
  return false;
}
