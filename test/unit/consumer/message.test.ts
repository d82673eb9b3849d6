import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAvro } from '../../../lib/core/avro.js';
import { AvroCodecError, MessageDecodeError } from '../../../lib/core/errors.js';
import { KafkaMessage } from '../../../lib/core/message.js';

const schema = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });

test('exposes fields, the first value of a repeated header and the request id', () => {
  const m = new KafkaMessage({
    topic: 't',
    partition: 2,
    offset: '41',
    value: Buffer.from('{"a":1}'),
    key: Buffer.from('k'),
    headers: { 'request-id': Buffer.from('req-1'), dup: [Buffer.from('first'), 'second'], text: 'plain' },
    timestamp: '1700000000000',
  });
  assert.equal(m.topic, 't');
  assert.equal(m.partition, 2);
  assert.equal(m.offset, '41');
  assert.equal(m.key?.toString(), 'k');
  assert.equal(m.timestamp, '1700000000000');
  assert.equal(m.requestId, 'req-1');
  assert.equal(m.getHeader('dup'), 'first');
  assert.equal(m.getHeader('text'), 'plain');
  assert.equal(m.getHeader('missing'), undefined);
  assert.equal(m.getHeader('constructor'), undefined, 'no prototype lookups');
  assert.deepEqual(Object.keys(m.headers).sort(), ['dup', 'request-id', 'text']);
  assert.equal(m.headers.dup?.toString(), 'first');
  assert.deepEqual(m.json(), { a: 1 });
  assert.ok(Object.isFrozen(m.headers));
});

test('an empty request-id header counts as none', () => {
  const m = new KafkaMessage({ topic: 't', partition: 0, offset: '0', value: null, headers: { 'request-id': '' } });
  assert.equal(m.requestId, undefined);
});

test('decode reads raw Avro; bad payloads give typed errors naming the message', () => {
  const good = new KafkaMessage({ topic: 't', partition: 0, offset: '1', value: encodeAvro(schema, { id: 'x' }) });
  assert.deepEqual({ ...good.decode<{ id: string }>(schema) }, { id: 'x' });
  const bad = new KafkaMessage({ topic: 't', partition: 0, offset: '2', value: Buffer.from([0xff, 0xff, 0xff]) });
  assert.throws(
    () => bad.decode(schema),
    (e: unknown) => e instanceof AvroCodecError && e.logData.offset === '2',
  );
  const empty = new KafkaMessage({ topic: 't', partition: 0, offset: '3', value: null });
  assert.throws(() => empty.decode(schema), AvroCodecError);
  assert.throws(() => empty.json(), MessageDecodeError);
  assert.throws(
    () => bad.json(),
    (e: unknown) => e instanceof MessageDecodeError && e.logData.topic === 't',
  );
});
