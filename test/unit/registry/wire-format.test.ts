import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeRegistryFrame,
  encodeRegistryFrame,
  MessageDecodeError,
  RegistryFramingError,
  SchemaRegistrationError,
  SchemaRegistryUnavailableError,
} from '../../../lib/core/index.js';
import { notRetryableReason } from '../../../lib/core/consumer/failure/classify.js';

test('a frame is the magic byte, the id as a big-endian int32, then the body, and reads back', () => {
  const framed = encodeRegistryFrame(0x01020304, Buffer.from('body'));
  assert.deepEqual([...framed.subarray(0, 5)], [0, 1, 2, 3, 4]);
  const frame = decodeRegistryFrame(framed);
  assert.equal(frame.schemaId, 0x01020304);
  assert.equal(frame.body.toString(), 'body');
});

test('an empty body and the largest id round-trip', () => {
  const frame = decodeRegistryFrame(encodeRegistryFrame(2147483647, Buffer.alloc(0)));
  assert.equal(frame.schemaId, 2147483647);
  assert.equal(frame.body.length, 0);
});

test('an id that is not a non-negative int32 is refused before framing', () => {
  for (const id of [-1, 1.5, 2 ** 31, Number.NaN]) assert.throws(() => encodeRegistryFrame(id, Buffer.alloc(0)), RangeError);
});

test('a record without the magic byte, too short, or missing is a typed decode error', () => {
  const cases: Array<[Buffer | null, RegExp]> = [
    [Buffer.from([1, 0, 0, 0, 1, 2]), /first byte is 1, not the magic byte 0/],
    [Buffer.from([0, 0, 0, 1]), /4 byte\(s\), shorter than the 5-byte header/],
    [Buffer.alloc(0), /0 byte\(s\)/],
    [null, /0 byte\(s\)/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => decodeRegistryFrame(bytes),
      (error: unknown) => error instanceof RegistryFramingError && error instanceof MessageDecodeError && message.test(error.message),
    );
  }
});

test('the failure policy skips retries for bad framing and a refused schema, and retries a registry that is down', () => {
  const policy = { isRetryable: undefined };
  assert.equal(notRetryableReason(new RegistryFramingError('no magic byte'), policy), 'decode');
  assert.equal(notRetryableReason(new SchemaRegistrationError('orders-value', 409, 'incompatible'), policy), 'non-retryable');
  const down = new SchemaRegistryUnavailableError('http://registry', 'connection refused', new TypeError('fetch failed'));
  assert.equal(down.retryable, true);
  assert.equal(notRetryableReason(down, policy), undefined);
});
