import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schema } from 'avsc';
import { AvroCodecError, InvalidMessageError, MessageDecodeError } from '../../../lib/core/errors.js';
import { KafkaMessage } from '../../../lib/core/message.js';
import { createTestMessage, DEFAULT_TEST_TOPIC } from '../../../lib/testing/test-message.js';

const SCHEMA: Schema = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
  ],
};

describe('createTestMessage', () => {
  it('builds a real KafkaMessage from an Avro schema and event', () => {
    const message = createTestMessage({ schema: SCHEMA, event: { id: 'o-1', qty: 2 }, topic: 'orders', partition: 3, offset: 41 });
    assert.ok(message instanceof KafkaMessage);
    assert.deepEqual({ ...message.decode<object>(SCHEMA) }, { id: 'o-1', qty: 2 });
    assert.equal(message.topic, 'orders');
    assert.equal(message.partition, 3);
    assert.equal(message.offset, '41');
  });

  it('builds from JSON and from bytes, with defaults for topic, partition and offset', () => {
    const json = createTestMessage({ json: { a: [1, 2] } });
    assert.deepEqual(json.json(), { a: [1, 2] });
    assert.equal(json.topic, DEFAULT_TEST_TOPIC);
    assert.equal(json.partition, 0);
    assert.equal(json.offset, '0');
    const bytes = createTestMessage({ value: Buffer.from([1, 2, 3]) });
    assert.deepEqual(bytes.value, Buffer.from([1, 2, 3]));
    assert.equal(createTestMessage({ value: 'text' }).value?.toString('utf8'), 'text');
    assert.equal(createTestMessage({ value: null }).value, null);
  });

  it('carries key, headers (as bytes, like a broker delivers them) and the request id', () => {
    const message = createTestMessage({ json: 1, key: 'k-1', headers: { trace: 't-9' }, requestId: 'req-7' });
    assert.equal(message.key?.toString('utf8'), 'k-1');
    assert.ok(Buffer.isBuffer(message.headers.trace));
    assert.equal(message.getHeader('trace'), 't-9');
    assert.equal(message.getHeader('missing'), undefined);
    assert.equal(message.requestId, 'req-7');
    assert.equal(message.getHeader('request-id'), 'req-7');
  });

  it('has no request id unless one is given (a request-id header counts)', () => {
    assert.equal(createTestMessage({ json: 1 }).requestId, undefined);
    assert.equal(createTestMessage({ json: 1 }).getHeader('request-id'), undefined);
    assert.equal(createTestMessage({ json: 1, headers: { 'request-id': 'from-header' } }).requestId, 'from-header');
  });

  it('decodes and parses exactly like a consumed message, errors included', () => {
    assert.throws(() => createTestMessage({ value: 'not json' }).json(), MessageDecodeError);
    assert.throws(() => createTestMessage({ value: Buffer.from([0xff]) }).decode(SCHEMA), AvroCodecError);
  });

  it('rejects bad input with typed errors that name the problem', () => {
    assert.throws(() => createTestMessage({ schema: SCHEMA, event: { id: 1 } }), AvroCodecError);
    assert.throws(() => createTestMessage({ json: undefined }), /has no JSON form/);
    assert.throws(() => createTestMessage({ value: 12 as unknown as string }), InvalidMessageError);
    assert.throws(() => createTestMessage({ json: 1, key: 5 as unknown as string }), /key must be a string or a Buffer/);
    assert.throws(() => createTestMessage({ json: 1, headers: { h: 3 as unknown as string } }), /header h must be a string or a Buffer/);
    assert.throws(() => createTestMessage({ json: 1, partition: -1 }), /partition must be an integer >= 0/);
    assert.throws(() => createTestMessage({ json: 1, offset: '1.5' }), /offset must be an integer >= 0/);
    assert.throws(() => createTestMessage({} as never), /needs one of value, json or schema \+ event/);
    assert.throws(() => createTestMessage(undefined as never), InvalidMessageError);
  });
});
