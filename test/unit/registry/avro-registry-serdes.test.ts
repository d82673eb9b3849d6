import { test } from 'node:test';
import avro from 'avsc';
import assert from 'node:assert/strict';
import {
  AvroCodecError,
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  decodeRegistryFrame,
  encodeAvro,
  encodeRegistryFrame,
  RegistryFramingError,
  recordNameStrategy,
  SchemaRegistrationError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  topicRecordNameStrategy,
  type AvroFieldDefinition,
  type RegisteredSchema,
  type SchemaRegistry,
} from '../../../lib/core/index.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/index.js';

const ID_FIELD = { name: 'id', type: 'string' } as const;
/** The `shop.Order` record with these fields. */
const order = <const F extends readonly AvroFieldDefinition[]>(...fields: F) =>
  ({ type: 'record', name: 'Order', namespace: 'shop', fields }) as const;
const ORDER_V1 = order(ID_FIELD);
const ORDER_V2 = order(ID_FIELD, { name: 'amount', type: 'int', default: 0 });
const ORDER_V3_NO_DEFAULT = order(ID_FIELD, { name: 'currency', type: 'string' });

/** Counts the calls that reach `registry`. */
class CountingRegistry implements SchemaRegistry {
  readonly calls: string[] = [];
  constructor(private readonly registry: SchemaRegistry) {}
  register(subject: string, schema: string): Promise<number> {
    this.calls.push(`register ${subject}`);
    return this.registry.register(subject, schema);
  }
  schemaById(id: number): Promise<string> {
    this.calls.push(`id ${id}`);
    return this.registry.schemaById(id);
  }
  latestVersion(subject: string): Promise<RegisteredSchema> {
    this.calls.push(`latest ${subject}`);
    return this.registry.latestVersion(subject);
  }
}

test('auto-registration writes the framing with the registered id, and a record reads back', async () => {
  const registry = new InMemorySchemaRegistry();
  const serializer = new AvroRegistrySerializer({ registry, autoRegister: true });
  const bytes = await serializer.serialize('orders', ORDER_V1, { id: 'o-1' });
  const { schemaId, body } = decodeRegistryFrame(bytes);
  assert.equal(schemaId, 1);
  assert.deepEqual(body, encodeAvro(ORDER_V1, { id: 'o-1' }));
  assert.deepEqual(registry.listSubjects(), ['orders-value']);
  const decoded = await new AvroRegistryDeserializer(registry).deserialize<{ id: string }>(bytes);
  assert.equal(decoded.id, 'o-1');
});

test('without auto-registration the latest version is written; a fixed id writes that schema', async () => {
  const registry = new InMemorySchemaRegistry();
  const v1 = await registry.register('orders-value', JSON.stringify(ORDER_V1));
  const v2 = await registry.register('orders-value', JSON.stringify(ORDER_V2));
  const serializer = new AvroRegistrySerializer({ registry });
  assert.equal(decodeRegistryFrame(await serializer.serialize('orders', ORDER_V2, { id: 'a', amount: 3 })).schemaId, v2);
  assert.equal(decodeRegistryFrame(await serializer.serialize('orders', ORDER_V1, { id: 'b' }, { schemaId: v1 })).schemaId, v1);
  // The event is checked against the latest version (v2), where `amount` is an int: a codec error naming the field.
  await assert.rejects(
    serializer.serialize('orders', ORDER_V1, { id: 'c', amount: 'three' }),
    (error: unknown) => error instanceof AvroCodecError && /amount/.test(error.message),
  );
});

test('auto-registration is off by default: an unregistered subject is a request error, nothing registered', async () => {
  const registry = new InMemorySchemaRegistry();
  await assert.rejects(new AvroRegistrySerializer({ registry }).serialize('orders', ORDER_V1, { id: 'x' }), SchemaRegistryRequestError);
  assert.deepEqual(registry.listSubjects(), []);
});

test('keys and values get their own subjects under each strategy', async () => {
  const registry = new InMemorySchemaRegistry();
  await new AvroRegistrySerializer({ registry, autoRegister: true }).serialize('orders', ORDER_V1, { id: 'k' }, { role: 'key' });
  await new AvroRegistrySerializer({ registry, autoRegister: true, subjectNameStrategy: recordNameStrategy }).serialize(
    'orders',
    ORDER_V1,
    { id: 'v' },
  );
  await new AvroRegistrySerializer({ registry, autoRegister: true, subjectNameStrategy: topicRecordNameStrategy }).serialize(
    'refunds',
    ORDER_V1,
    { id: 'v' },
  );
  assert.deepEqual(registry.listSubjects(), ['orders-key', 'shop.Order', 'refunds-shop.Order']);
});

test('an old writer is read by a new reader (the default fills the added field)', async () => {
  const registry = new InMemorySchemaRegistry();
  const bytes = await new AvroRegistrySerializer({ registry, autoRegister: true }).serialize('orders', ORDER_V1, { id: 'old' });
  const decoded = await new AvroRegistryDeserializer(registry).deserialize(bytes, ORDER_V2);
  assert.deepEqual({ ...(decoded as object) }, { id: 'old', amount: 0 });
});

test('a new writer is read by an old reader (the added field is skipped)', async () => {
  const registry = new InMemorySchemaRegistry();
  const bytes = await new AvroRegistrySerializer({ registry, autoRegister: true }).serialize('orders', ORDER_V2, { id: 'new', amount: 5 });
  const decoded = await new AvroRegistryDeserializer(registry).deserialize(bytes, ORDER_V1);
  assert.deepEqual({ ...(decoded as object) }, { id: 'new' });
});

test('a reader that cannot read the writer is a non-retryable codec error naming the schema id', async () => {
  const registry = new InMemorySchemaRegistry({ compatibility: 'NONE' });
  const bytes = await new AvroRegistrySerializer({ registry, autoRegister: true }).serialize('orders', ORDER_V1, { id: 'x' });
  await assert.rejects(new AvroRegistryDeserializer(registry).deserialize(bytes, ORDER_V3_NO_DEFAULT), (error: unknown) => {
    return error instanceof AvroCodecError && /cannot read schema id 1/.test(error.message);
  });
});

test('the in-memory registry refuses an incompatible version with the subject, and reuses ids', async () => {
  const registry = new InMemorySchemaRegistry();
  const serializer = new AvroRegistrySerializer({ registry, autoRegister: true });
  await serializer.serialize('orders', ORDER_V1, { id: 'a' });
  await assert.rejects(serializer.serialize('orders', ORDER_V3_NO_DEFAULT, { id: 'b', currency: 'EUR' }), (error: unknown) => {
    return error instanceof SchemaRegistrationError && error.subject === 'orders-value' && error.status === 409;
  });
  assert.equal(await registry.register('payments-value', JSON.stringify(ORDER_V1)), 1, 'the same schema has one id in every subject');
  await assert.rejects(
    registry.register('bad-value', '{"type":"nope"}'),
    (error: unknown) => error instanceof SchemaRegistrationError && error.status === 422,
  );
  await assert.rejects(registry.schemaById(99), SchemaRegistryRequestError);
});

test('once warm, serializing and deserializing make no registry call; resolvers are built once', async () => {
  const registry = new CountingRegistry(new InMemorySchemaRegistry());
  await registry.register('orders-value', JSON.stringify(ORDER_V1));
  registry.calls.length = 0;
  const serializer = new AvroRegistrySerializer({ registry });
  const deserializer = new AvroRegistryDeserializer(registry);
  const records = await Promise.all(Array.from({ length: 10 }, (_, i) => serializer.serialize('orders', ORDER_V1, { id: `o-${i}` })));
  const decoded = await Promise.all(records.map((bytes) => deserializer.deserialize<{ id: string; amount: number }>(bytes, ORDER_V2)));
  assert.deepEqual(
    decoded.map((d) => d.id),
    records.map((_, i) => `o-${i}`),
  );
  assert.deepEqual(registry.calls, ['latest orders-value', 'id 1']);
});

test('a registry that is down fails only records of uncached ids, with a retryable error', async () => {
  const registry = new InMemorySchemaRegistry();
  const serializer = new AvroRegistrySerializer({ registry, autoRegister: true });
  const known = await serializer.serialize('orders', ORDER_V1, { id: 'a' });
  const deserializer = new AvroRegistryDeserializer(registry);
  await deserializer.deserialize(known);
  const unknownToReader = await serializer.serialize('payments', ORDER_V2, { id: 'b', amount: 1 });
  registry.setUnavailable(true);
  assert.deepEqual({ ...(await deserializer.deserialize<object>(known)) }, { id: 'a' });
  await assert.rejects(
    deserializer.deserialize(unknownToReader),
    (error: unknown) => error instanceof SchemaRegistryUnavailableError && error.retryable,
  );
  registry.setUnavailable(false);
  assert.deepEqual({ ...(await deserializer.deserialize<object>(unknownToReader)) }, { id: 'b', amount: 1 });
});

test('a record without the framing or with a broken body is a non-retryable typed error', async () => {
  const registry = new InMemorySchemaRegistry();
  const deserializer = new AvroRegistryDeserializer(registry);
  await assert.rejects(deserializer.deserialize(encodeAvro(ORDER_V1, { id: 'plain avro' })), RegistryFramingError);
  const id = await registry.register('orders-value', JSON.stringify(ORDER_V2));
  await assert.rejects(deserializer.deserialize(encodeRegistryFrame(id, Buffer.from([2, 0x61]))), AvroCodecError);
  const good = encodeAvro(ORDER_V2, { id: 'a', amount: 1 });
  await assert.rejects(
    deserializer.deserialize(encodeRegistryFrame(id, Buffer.concat([good, Buffer.from([7])]))),
    /1 byte\(s\) after the body/,
  );
  await assert.rejects(deserializer.deserialize(encodeRegistryFrame(id, good.subarray(0, good.length - 1))), AvroCodecError);
  // A framed body of a larger record than the encoder's scratch buffer (64 KiB) still frames whole.
  const big = { id: 'x'.repeat(200_000), amount: 2 };
  const framed = await new AvroRegistrySerializer({ registry }).serialize('orders', ORDER_V2, big, { schemaId: id });
  assert.deepEqual({ ...(await deserializer.deserialize<object>(framed, ORDER_V2)) }, big);
});

test('the registered schema keeps defaults and logical types as written', async () => {
  const registry = new InMemorySchemaRegistry();
  const schema = {
    type: 'record',
    name: 'Paid',
    fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 }],
  } as const;
  await new AvroRegistrySerializer({ registry, autoRegister: true }).serialize('payments', schema, { at: 5 });
  assert.deepEqual(JSON.parse(await registry.schemaById(1)), schema);
});

// Guard: why the serializer registers the definition as written, not avsc's `Type#schema()`. If
// this fails, avsc keeps defaults and logical types now, and `registrationText` can use it.
test('avsc 5.7.9 Type#schema() drops field defaults and logical types', () => {
  const type = avro.Type.forSchema({
    type: 'record',
    name: 'T',
    fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 }],
  });
  const plain = JSON.stringify(type.schema());
  const withAttrs = JSON.stringify(type.schema({ exportAttrs: true }));
  assert.equal(plain.includes('"default"'), false, plain);
  assert.equal(plain.includes('logicalType'), false, plain);
  assert.equal(withAttrs.includes('logicalType'), false, withAttrs);
});
