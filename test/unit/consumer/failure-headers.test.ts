import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaMessage } from '../../../lib/core/message.js';
import {
  FAILURE_HEADERS,
  decodeInteger,
  encodeInt32,
  encodeInt64,
  readFailureHeaders,
} from '../../../lib/core/consumer/failure/failure-headers.js';

describe('failure headers', () => {
  it('encodes Java ints and longs big-endian and reads them back', () => {
    assert.deepEqual([...encodeInt32(258)], [0, 0, 1, 2]);
    assert.equal(decodeInteger(encodeInt32(-5)), -5n);
    assert.equal(decodeInteger(encodeInt64('9007199254740993')), 9007199254740993n);
  });

  it("reads BigInteger.toByteArray's shortest form, and decimal strings", () => {
    // 1_700_000_000_000 in the fewest bytes, as Java's BigInteger writes it.
    const shortest = Buffer.from((1_700_000_000_000).toString(16).padStart(12, '0'), 'hex');
    assert.equal(decodeInteger(shortest), 1_700_000_000_000n);
    assert.equal(decodeInteger(Buffer.from([0xff])), -1n);
    assert.equal(decodeInteger('42'), 42n);
    assert.equal(decodeInteger('4x2'), undefined);
    assert.equal(decodeInteger(Buffer.alloc(9)), undefined);
    assert.equal(decodeInteger(Buffer.alloc(0)), undefined);
  });

  it('reads what a forwarded record carries', () => {
    const message = new KafkaMessage({
      topic: 'orders.retry-1000',
      partition: 0,
      offset: '7',
      value: null,
      headers: {
        [FAILURE_HEADERS.originalTopic]: Buffer.from('orders'),
        [FAILURE_HEADERS.originalPartition]: encodeInt32(3),
        [FAILURE_HEADERS.originalOffset]: encodeInt64(12345),
        [FAILURE_HEADERS.attempts]: encodeInt32(2),
        [FAILURE_HEADERS.backoffTimestamp]: encodeInt64(1_700_000_001_000),
        [FAILURE_HEADERS.firstFailure]: Buffer.from('1700000000000'),
        [FAILURE_HEADERS.exceptionClass]: Buffer.from('TypeError'),
      },
    });
    const info = readFailureHeaders(message);
    assert.equal(info.originalTopic, 'orders');
    assert.equal(info.originalPartition, 3);
    assert.equal(info.originalOffset, '12345');
    assert.equal(info.attempts, 2);
    assert.equal(info.dueAt, 1_700_000_001_000);
    assert.equal(info.firstFailureAt, 1_700_000_000_000);
    assert.equal(info.errorClass, 'TypeError');
    assert.equal(info.lastFailureAt, undefined);
  });
});
