/**
 * Interop with an independent registry client, `@kafkajs/confluent-schema-registry` 4.1.0, on the
 * shared test registry (Apicurio's Confluent-compatible API) and the real broker: records it
 * encodes (sent by a raw kafkajs producer) are decoded by this module's deserializer and by a
 * consumer group with the registry, records a producer with the registry sends are decoded by it, the bytes of both are equal for
 * the same schema, id and event (Avro binary is deterministic), schemas registered by either are
 * found by the other, and the record-name subject strategies name the same subjects.
 *
 * The package declares `engines: node >=22.0.0`, so the file is skipped on Node 20 (CI's Node 24
 * cell runs it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaRegistry as ConfluentClient, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  createSchemaRegistryClient,
  decodeRegistryFrame,
  KafkaConsumerGroup,
  KafkaProducer,
  recordNameStrategy,
  silentLogger,
  topicRecordNameStrategy,
  type SchemaRegistryClient,
} from '../../../lib/core/index.js';
import { readBack } from '../producer/read-back.js';
import { createTopic, produceRaw, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { useTestRegistry } from '../../support/registry.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const skip =
  NODE_MAJOR < 22
    ? `@kafkajs/confluent-schema-registry 4.1.0 declares engines node >=22.0.0 (this is Node ${process.versions.node})`
    : false;

/** A unique record type per test, so subjects named after it never collide between runs on one registry. */
function shipment(namespace: string) {
  return {
    type: 'record',
    name: 'Shipment',
    namespace,
    fields: [
      { name: 'id', type: 'string' },
      { name: 'weightGrams', type: 'long' },
      { name: 'express', type: 'boolean' },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'tags', type: { type: 'array', items: 'string' } },
    ],
  } as const;
}

function shipmentKey(namespace: string) {
  return { type: 'record', name: 'ShipmentKey', namespace, fields: [{ name: 'shipmentId', type: 'string' }] } as const;
}

const EVENTS = [
  { id: 's-1', weightGrams: 1_250, express: false, note: null, tags: ['fragile'] },
  { id: 's-2', weightGrams: 98_000_000_000, express: true, note: 'dock 4', tags: [] },
];

/** A namespace no earlier run used (Avro names: letters, digits, underscores). */
function freshNamespace(): string {
  return `interop.${uniqueName('ns').replace(/[^A-Za-z0-9_]/g, '_')}`;
}

describe('interop with @kafkajs/confluent-schema-registry (real registry and broker)', { skip }, () => {
  const testRegistry = useTestRegistry();
  const clients = (): { theirs: ConfluentClient; ours: SchemaRegistryClient } => ({
    theirs: new ConfluentClient({ host: testRegistry().ccompatUrl }),
    ours: createSchemaRegistryClient({ url: testRegistry().ccompatUrl }),
  });

  /** Both clients, a fresh value and key schema, and a new topic. */
  async function withTopic(prefix: string) {
    const namespace = freshNamespace();
    const topic = uniqueName(prefix);
    await createTopic(topic, 1);
    return { ...clients(), schema: shipment(namespace), keySchema: shipmentKey(namespace), topic };
  }

  it('for the same schema, id and event, both clients write the same bytes', async () => {
    const { theirs, ours } = clients();
    const schema = shipment(freshNamespace());
    const topic = uniqueName('interop-bytes');
    const { id } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `${topic}-value` });
    const serializer = new AvroRegistrySerializer({ registry: ours });
    for (const event of EVENTS) {
      const theirBytes = await theirs.encode(id, event);
      const ourBytes = await serializer.serialize(topic, schema, event);
      assert.equal(decodeRegistryFrame(ourBytes).schemaId, id);
      assert.deepEqual(ourBytes, theirBytes, `bytes of ${event.id}`);
      assert.deepEqual(await serializer.serialize(topic, schema, event, { schemaId: id }), theirBytes, 'with the id given');
    }
  });

  it('records it encodes (values and keys), sent by a raw kafkajs producer, are read by our deserializer and a KafkaConsumerGroup with the registry', async () => {
    const { theirs, ours, schema, keySchema, topic } = await withTopic('interop-theirs');
    const { id } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `${topic}-value` });
    const { id: keyId } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(keySchema) }, { subject: `${topic}-key` });
    await produceRaw(
      topic,
      await Promise.all(
        EVENTS.map(async (event) => ({ key: await theirs.encode(keyId, { shipmentId: event.id }), value: await theirs.encode(id, event) })),
      ),
    );

    // The serdes on their own, on the bytes as the broker gives them back.
    const deserializer = new AvroRegistryDeserializer(createSchemaRegistryClient({ url: ours.url }));
    const records = await readBack(topic, EVENTS.length);
    assert.deepEqual(
      await Promise.all(records.map(async (r) => ({ ...(await deserializer.deserialize<object>(r.value!, schema)) }))),
      EVENTS,
    );

    // A consumer group with the registry: each record is decoded by its id before the handler.
    const decoded: unknown[] = [];
    const keys: unknown[] = [];
    const group = new KafkaConsumerGroup({
      brokers: sharedBrokers(),
      topic,
      groupName: uniqueName('interop-g'),
      logger: silentLogger,
      schemaRegistry: { registry: createSchemaRegistryClient({ url: ours.url }), decodeKeys: true },
    });
    group.registerHandler(async (message) => {
      decoded.push({ ...message.decode<object>(schema) });
      keys.push({ ...message.decodeKey<object>(keySchema) });
    });
    try {
      await group.start();
      await eventually(
        () => `decoded ${decoded.length} of ${EVENTS.length}`,
        () => decoded.length >= EVENTS.length,
      );
    } finally {
      await group.close();
    }
    assert.deepEqual(decoded, EVENTS);
    assert.deepEqual(
      keys,
      EVENTS.map((event) => ({ shipmentId: event.id })),
    );
  });

  it('records a KafkaProducer with the registry sends (values and keys) are decoded by it and equal its own encoding', async () => {
    const { theirs, ours, schema, keySchema, topic } = await withTopic('interop-ours');
    const producer = new KafkaProducer({
      brokers: sharedBrokers(),
      topic,
      logger: silentLogger,
      schemaRegistry: { registry: ours, autoRegister: true },
    });
    try {
      await producer.waitUntilInitialised();
      for (const event of EVENTS) await producer.send(schema, event, { key: { shipmentId: event.id }, keySchema });
    } finally {
      await producer.close();
    }
    // A fresh client of theirs: nothing cached, every id is looked up in the registry.
    const reader = new ConfluentClient({ host: ours.url });
    const records = await readBack(topic, EVENTS.length);
    assert.deepEqual(await Promise.all(records.map(async (r) => ({ ...(await reader.decode(r.value!)) }) as object)), EVENTS);
    assert.deepEqual(
      await Promise.all(records.map(async (r) => ({ ...(await reader.decode(r.key!)) }) as object)),
      EVENTS.map((event) => ({ shipmentId: event.id })),
    );
    const id = await theirs.getLatestSchemaId(`${topic}-value`);
    for (const [n, record] of records.entries()) assert.deepEqual(record.value, await theirs.encode(id, EVENTS[n]), `bytes of record ${n}`);
  });

  it('schemas registered by either client are found by the other, under the same id', async () => {
    const { theirs, ours } = clients();
    const first = shipment(freshNamespace());
    const second = shipment(freshNamespace());
    const theirSubject = `${uniqueName('interop-found')}-value`;
    const { id: theirId } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(first) }, { subject: theirSubject });
    const seenByUs = await ours.latestVersion(theirSubject);
    assert.equal(seenByUs.id, theirId);
    assert.deepEqual(JSON.parse(await ours.schemaById(theirId)), first);

    const ourSubject = `${uniqueName('interop-found')}-value`;
    const ourId = await ours.register(ourSubject, JSON.stringify(second));
    assert.equal(await theirs.getLatestSchemaId(ourSubject), ourId);
    assert.equal(await theirs.getRegistryIdBySchema(ourSubject, { type: SchemaType.AVRO, schema: JSON.stringify(second) }), ourId);
  });

  it('subject strategies agree: its default subject is RecordNameStrategy, and TopicRecordNameStrategy finds its topic-record subject', async () => {
    const { theirs, ours } = clients();
    const schema = shipment(freshNamespace());
    const fullName = `${schema.namespace}.${schema.name}`;
    const topic = uniqueName('interop-strategy');

    // Without a subject, it registers under `<namespace>.<name>`: what recordNameStrategy names.
    const { id: byRecord } = await theirs.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) });
    const recordSubject = recordNameStrategy({ topic, role: 'value', recordName: fullName });
    assert.equal(recordSubject, fullName);
    assert.equal(await theirs.getLatestSchemaId(recordSubject), byRecord);
    const viaRecordName = await new AvroRegistrySerializer({ registry: ours, subjectNameStrategy: recordNameStrategy }).serialize(
      topic,
      schema,
      EVENTS[0],
    );
    assert.equal(decodeRegistryFrame(viaRecordName).schemaId, byRecord);

    // Confluent's TopicRecordNameStrategy subject, `<topic>-<namespace>.<name>`, registered by it.
    const topicRecordSubject = `${topic}-${fullName}`;
    assert.equal(topicRecordNameStrategy({ topic, role: 'value', recordName: fullName }), topicRecordSubject);
    const { id: byTopicRecord } = await theirs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: topicRecordSubject },
    );
    const viaTopicRecord = await new AvroRegistrySerializer({ registry: ours, subjectNameStrategy: topicRecordNameStrategy }).serialize(
      topic,
      schema,
      EVENTS[1],
    );
    assert.equal(decodeRegistryFrame(viaTopicRecord).schemaId, byTopicRecord);
    assert.deepEqual(viaTopicRecord, await theirs.encode(byTopicRecord, EVENTS[1]));
  });
});
