import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import avro from 'avsc';
import { decodeAvro } from '../../../lib/core/avro.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer, ProducerCore } from '../../../lib/core/producer/kafka-producer.js';
import { runWithRequestId } from '../../../lib/core/request-context.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { headerText, headerTexts, readBack } from './read-back.js';

const schema: avro.Schema = {
  type: 'record',
  name: 'OrderPlaced',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

describe('producer round trip on a real broker', () => {
  const topic = uniqueName('producer-roundtrip');
  let producer: KafkaProducer;

  before(async () => {
    await createTopic(topic, 1);
    producer = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger, requestId: 'producer-wide-id' });
    await producer.waitUntilInitialised();
  });
  after(async () => {
    await producer?.close();
  });

  it('delivers Avro, bytes and JSON records with request-id and added headers', async () => {
    assert.equal(producer.isInitialised(), true);
    producer.addHeader('source', 'round-trip-test');
    producer.addHeader('', 'ignored');
    const events = [
      { id: 'a-1', quantity: 3, note: null },
      { id: 'a-2', quantity: 7, note: 'gift' },
    ];
    await producer.send(schema, events[0]);
    // A parsed avsc Type works as well as a schema object; the context id wins over the producer's.
    await runWithRequestId('ctx-42', () => producer.send(avro.Type.forSchema(schema), events[1], { key: 'order-a' }));
    await producer.sendBytes(Buffer.from([0, 1, 2, 255]), { headers: { trace: Buffer.from('t-1') } });
    await producer.sendJSON({ kind: 'json', n: 1 }, { key: Buffer.from('json-key'), headers: { 'request-id': 'per-record-id' } });

    const records = await readBack(topic, 4);
    assert.equal(records.length, 4);
    const [first, second, bytes, json] = records.sort((a, b) => Number(a.offset) - Number(b.offset)) as [
      (typeof records)[0],
      (typeof records)[0],
      (typeof records)[0],
      (typeof records)[0],
    ];

    assert.deepEqual({ ...decodeAvro<object>(schema, first.value!) }, events[0]);
    assert.equal(headerText(first.headers, 'request-id'), 'producer-wide-id');
    assert.deepEqual(headerTexts(first.headers, 'source'), ['round-trip-test']);
    assert.equal(first.headers[''], undefined, 'an empty header key is ignored');

    assert.deepEqual({ ...decodeAvro<object>(schema, second.value!) }, events[1]);
    assert.equal(second.key?.toString(), 'order-a');
    assert.equal(headerText(second.headers, 'request-id'), 'ctx-42');
    assert.equal(headerText(second.headers, 'source'), 'round-trip-test');

    assert.deepEqual(bytes.value, Buffer.from([0, 1, 2, 255]));
    assert.equal(headerText(bytes.headers, 'trace'), 't-1');
    assert.equal(headerText(bytes.headers, 'request-id'), 'producer-wide-id');

    assert.deepEqual(JSON.parse(json.value!.toString()), { kind: 'json', n: 1 });
    assert.equal(json.key?.toString(), 'json-key');
    assert.deepEqual(headerTexts(json.headers, 'request-id'), ['per-record-id']);
  });

  it('without a requestId the producer uses one random UUID for all its records', async () => {
    const topic2 = uniqueName('producer-uuid');
    await createTopic(topic2, 1);
    const p = new ProducerCore({ brokers: sharedBrokers(), topic: topic2, logger: silentLogger }); // the internal class: reads config.requestId
    try {
      await p.waitUntilInitialised();
      await Promise.all([p.sendBytes('one'), p.sendBytes('two')]);
      const records = await readBack(topic2, 2);
      const ids = records.map((r) => headerText(r.headers, 'request-id'));
      assert.match(ids[0] ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(ids[0], ids[1]);
      assert.equal(ids[0], p.config.requestId);
    } finally {
      await p.close();
    }
  });

  it('records encoded by the module read back byte for byte: many partitions, UTF-8 keys, varint-boundary sizes, repeated headers', async () => {
    // The module writes its Produce requests itself (kafkajs-produce-encoder.ts): the broker checks
    // each batch's CRC and framing, and a plain kafkajs consumer must see exactly what was sent.
    const t = uniqueName('producer-encoding');
    await createTopic(t, 5);
    const p = new KafkaProducer({ brokers: sharedBrokers(), topic: t, logger: silentLogger, requestId: 'rid-ü' });
    p.addHeader('dup', 'one');
    p.addHeader('dup', 'two');
    const sizes = [0, 1, 63, 64, 127, 128, 8191, 8192, 70_000];
    const sent = Array.from({ length: 180 }, (_, i) => ({
      key: i % 3 === 0 ? `clé-${i}` : Buffer.from([i % 256, 0xff]),
      value: Buffer.alloc(sizes[i % sizes.length]!, i % 251),
      perRecord: i % 4 === 0 ? { 'x-ü': `wert-${i}`, bin: Buffer.from([i % 256]) } : undefined,
    }));
    try {
      await p.waitUntilInitialised();
      await Promise.all(sent.map((r) => p.sendBytes(r.value, { key: r.key, ...(r.perRecord ? { headers: r.perRecord } : {}) })));
    } finally {
      await p.close();
    }
    const records = await readBack(t, sent.length);
    assert.equal(records.length, sent.length);
    assert.ok(new Set(records.map((r) => r.partition)).size > 1, 'the records spread over several partitions');
    const byValueAndKey = new Map(records.map((r) => [`${r.key!.toString('hex')}:${r.value!.toString('hex')}`, r]));
    for (const r of sent) {
      const key = Buffer.isBuffer(r.key) ? r.key : Buffer.from(r.key);
      const read = byValueAndKey.get(`${key.toString('hex')}:${r.value.toString('hex')}`);
      assert.ok(read, `record with key ${key.toString('hex')} and ${r.value.length} value bytes read back`);
      assert.equal(headerText(read.headers, 'request-id'), 'rid-ü');
      assert.deepEqual(headerTexts(read.headers, 'dup'), ['one', 'two']);
      assert.equal(headerText(read.headers, 'x-ü'), r.perRecord?.['x-ü']);
      assert.deepEqual(read.headers.bin, r.perRecord?.bin);
    }
  });

  it('delivers with acks all + idempotent and with gzip compression', async () => {
    for (const options of [{ idempotent: true }, { compression: 'gzip' as const, acks: 0 as const }]) {
      const t = uniqueName('producer-options');
      await createTopic(t, 2);
      const p = new KafkaProducer({ brokers: sharedBrokers(), topic: t, logger: silentLogger, ...options });
      try {
        await p.waitUntilInitialised();
        await Promise.all(Array.from({ length: 200 }, (_, i) => p.sendJSON({ i }, { key: `k${i % 7}` })));
      } finally {
        await p.close();
      }
      const records = await readBack(t, 200);
      const seen = records.map((r) => (JSON.parse(r.value!.toString()) as { i: number }).i).sort((a, b) => a - b);
      assert.deepEqual(
        seen,
        Array.from({ length: 200 }, (_, i) => i),
        JSON.stringify(options),
      );
    }
  });
});
