import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidMessageError } from '../../../lib/core/errors.js';
import { buildMessage, ProducerHeaders, toJsonValue, toRecordValue } from '../../../lib/core/producer/record.js';
import {
  estimateHeadersSize,
  estimateRecordSize,
  HEADER_OVERHEAD_BYTES,
  RECORD_OVERHEAD_BYTES,
} from '../../../lib/core/producer/record-size.js';
import { runWithRequestId } from '../../../lib/core/request-context.js';

test('every record carries the producer request-id, or the id of the current context', () => {
  const headers = new ProducerHeaders('producer-id');
  assert.deepEqual(headers.build(), { 'request-id': 'producer-id' });
  runWithRequestId('ctx-id', () => assert.deepEqual(headers.build(), { 'request-id': 'ctx-id' }));
});

test('added headers go on every later record, in order, duplicates kept and empty keys ignored', () => {
  const headers = new ProducerHeaders('rid');
  headers.add('a', '1');
  headers.add('', 'ignored');
  headers.add('b', '2');
  headers.add('a', '3');
  assert.deepEqual(headers.build(), { 'request-id': 'rid', a: ['1', '3'], b: '2' });
  assert.deepEqual(headers.list(), [
    ['a', '1'],
    ['b', '2'],
    ['a', '3'],
  ]);
});

test('per-record headers replace producer-wide ones of the same key, request-id included', () => {
  const headers = new ProducerHeaders('rid');
  headers.add('a', '1');
  assert.deepEqual(headers.build({ a: 'x', 'request-id': 'mine', c: Buffer.from('z') }), {
    'request-id': 'mine',
    a: 'x',
    c: Buffer.from('z'),
  });
});

test('a header added after a record was built does not change that record', () => {
  const headers = new ProducerHeaders('rid');
  const message = buildMessage('t', 'v', undefined, headers);
  headers.add('late', '1');
  assert.deepEqual(message.headers, { 'request-id': 'rid' });
});

test('buildMessage keeps key and partition and rejects bad options with InvalidMessageError', () => {
  const headers = new ProducerHeaders('rid');
  const message = buildMessage('t', Buffer.from('v'), { key: 'k', partition: 2 }, headers);
  assert.equal(message.key, 'k');
  assert.equal(message.partition, 2);
  for (const [options, pattern] of [
    [{ key: 5 }, /key must be a string or a Buffer/],
    [{ partition: -1 }, /partition must be an integer >= 0/],
    [{ partition: 1.5 }, /partition must be an integer >= 0/],
    [{ headers: { h: 3 } }, /header h must be a string or a Buffer/],
    [{ headers: { '': 'x' } }, /header keys must not be empty/],
    [{ headers: [] }, /headers must be an object/],
    ['options', /send options must be an object/],
  ] as const) {
    assert.throws(
      () => buildMessage('t', 'v', options as never, headers),
      (error: unknown) => error instanceof InvalidMessageError && pattern.test(error.message) && error.logData.topic === 't',
    );
  }
});

test('toRecordValue accepts Buffer, string and Uint8Array views, and names a bad type', () => {
  const bytes = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
  assert.deepEqual(toRecordValue('t', bytes), Buffer.from([1, 2, 3]));
  assert.equal(toRecordValue('t', 'text'), 'text');
  assert.throws(() => toRecordValue('t', 42), /value must be a Buffer, Uint8Array or string, got number/);
  assert.throws(() => toRecordValue('t', { a: 1 }), InvalidMessageError);
});

test('toJsonValue serialises and names values without a JSON form', () => {
  assert.equal(toJsonValue('t', { a: [1, 'x'] }), '{"a":[1,"x"]}');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(
    () => toJsonValue('t', cycle),
    (e: unknown) => e instanceof InvalidMessageError && /cannot be serialised as JSON/.test(e.message),
  );
  assert.throws(() => toJsonValue('t', undefined), /has no JSON form/);
  assert.throws(() => toJsonValue('t', 10n), InvalidMessageError);
});

test('record size counts value, key and headers in bytes plus the largest framing', () => {
  assert.equal(estimateRecordSize(null, undefined, undefined), RECORD_OVERHEAD_BYTES);
  assert.equal(estimateRecordSize(Buffer.alloc(100), 'kk', undefined), RECORD_OVERHEAD_BYTES + 102);
  assert.equal(estimateRecordSize('é', null, undefined), RECORD_OVERHEAD_BYTES + 2, 'strings count as UTF-8');
  assert.equal(
    estimateRecordSize('v', null, { ab: 'xyz', c: ['1', Buffer.alloc(4)] }),
    RECORD_OVERHEAD_BYTES + 1 + (HEADER_OVERHEAD_BYTES + 2 + 3) + (HEADER_OVERHEAD_BYTES + 1 + 1) + (HEADER_OVERHEAD_BYTES + 1 + 4),
  );
});

test('records without their own headers share one frozen header set, rebuilt after addHeader', () => {
  const headers = new ProducerHeaders('rid');
  const first = headers.build();
  assert.equal(headers.build(), first);
  assert.ok(Object.isFrozen(first));
  assert.equal(headers.sizeOf(first), estimateHeadersSize(first));
  headers.add('x', 'y');
  const second = headers.build();
  assert.notEqual(second, first);
  assert.deepEqual(first, { 'request-id': 'rid' }, 'an earlier record keeps its headers');
  assert.equal(headers.sizeOf(second), estimateHeadersSize({ 'request-id': 'rid', x: 'y' }));
  runWithRequestId('ctx', () => assert.notEqual(headers.build(), second));
  assert.notEqual(headers.build({ a: 'b' }), second);
});
