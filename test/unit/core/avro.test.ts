import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { decodeAvro, encodeAvro, toAvroType } from '../../../lib/core/avro.js';
import { AvroCodecError } from '../../../lib/core/errors.js';

const schema: avro.Schema = {
  type: 'record',
  name: 'ContentPublished',
  fields: [
    { name: 'url', type: 'string' },
    { name: 'count', type: 'int' },
  ],
};

test('encode then decode gives the same event, as raw binary of one record', () => {
  const event = { url: 'https://x/y', count: 3 };
  const bytes = encodeAvro(schema, event);
  assert.deepEqual(bytes, avro.Type.forSchema(schema).toBuffer(event), 'no container header or prefix');
  assert.deepEqual({ ...decodeAvro<typeof event>(schema, bytes) }, event);
});

test('a schema is parsed once per object and per JSON text', () => {
  assert.equal(toAvroType(schema), toAvroType(schema));
  const text = JSON.stringify(schema);
  assert.equal(toAvroType(text), toAvroType(text));
  const type = avro.Type.forSchema(schema);
  assert.equal(toAvroType(type), type);
});

test('an event that does not match names the bad fields', () => {
  assert.throws(
    () => encodeAvro(schema, { url: 7, count: 'many' }),
    (e: unknown) => e instanceof AvroCodecError && /url/.test(e.message) && /count/.test(e.message),
  );
});

test('an invalid schema is a typed error', () => {
  assert.throws(() => toAvroType({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] } as avro.Schema), AvroCodecError);
  assert.throws(() => toAvroType('{not json'), AvroCodecError);
});

test('bytes that do not decode are a typed error', () => {
  assert.throws(() => decodeAvro(schema, Buffer.from([0xff, 0xff, 0xff])), AvroCodecError);
});
