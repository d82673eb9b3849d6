import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaContext, KafkaHeaders, KafkaParser, KafkaRequestDeserializer, KafkaResponseDeserializer } from '@nestjs/microservices';
import { KafkaRequestSerializer } from '@nestjs/microservices/serializers/kafka-request.serializer.js';
import { KafkaMessage } from '../../../lib/core/message.js';
import { REPLY_HEADERS } from '../../../lib/core/request-reply/reply-headers.js';
import { KafkaChannelsContext, KafkaContextAccessError } from '../../../lib/nest/microservices/kafka-channels.context.js';
import { KafkaRecordSerializer } from '../../../lib/nest/microservices/kafka-record.serializer.js';
import {
  KafkaReplyRecordDeserializer,
  KafkaRequestRecordDeserializer,
} from '../../../lib/nest/microservices/kafka-record.deserializers.js';
import { toTopicRecord, toWireRecord } from '../../../lib/nest/microservices/wire-record.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';

// Guards: these fail when @nestjs/microservices changes what this transport mirrors.

test('the reply header names are the built-in KafkaHeaders values', () => {
  assert.equal(REPLY_HEADERS.correlationId, KafkaHeaders.CORRELATION_ID);
  assert.equal(REPLY_HEADERS.replyTopic, KafkaHeaders.REPLY_TOPIC);
  assert.equal(REPLY_HEADERS.replyPartition, KafkaHeaders.REPLY_PARTITION);
  assert.equal(REPLY_HEADERS.error, KafkaHeaders.NEST_ERR);
  assert.equal(REPLY_HEADERS.disposed, KafkaHeaders.NEST_IS_DISPOSED);
});

class WithText {
  toString(): string {
    return 'custom text';
  }
}
class Plain {
  readonly a = 1;
}

test('KafkaRecordSerializer writes what the built-in KafkaRequestSerializer writes', () => {
  const inputs: unknown[] = [
    'text',
    42,
    true,
    null,
    undefined,
    { a: 1, nested: { b: [1, 2] } },
    [1, 'two'],
    Buffer.from('bytes'),
    { value: { id: 7 }, key: 'k1', headers: { h: 'v' } },
    { key: { compound: true }, value: 'v' },
    { value: undefined },
    new Date(0),
    new WithText(),
    new Plain(),
  ];
  const ours = new KafkaRecordSerializer();
  for (const input of inputs) {
    const builtIn = new KafkaRequestSerializer().serialize(structuredCloneable(input)) as unknown;
    assert.deepEqual(ours.serialize(structuredCloneable(input)), builtIn, `input ${String(input)}`);
  }
});

// The built-in serializer mutates record-shaped inputs; each side gets its own copy.
function structuredCloneable(input: unknown): unknown {
  if (typeof input === 'object' && input !== null && !Buffer.isBuffer(input) && Object.getPrototypeOf(input) === Object.prototype) {
    return { ...input };
  }
  return input;
}

test('a serializer output becomes a producer record; a bad one is a typed error naming the topic', () => {
  assert.deepEqual(toTopicRecord('t', { key: 'k', value: '{"a":1}', headers: { h: 'v', gone: undefined } }), {
    key: 'k',
    value: '{"a":1}',
    headers: { h: 'v' },
  });
  assert.throws(() => toTopicRecord('t', 'not a record'), /t.*serializer must return/);
  assert.throws(() => toTopicRecord('t', { value: 12 }), /value that is not a string or Buffer/);
});

test('the handler context is a KafkaContext; consumer and producer access is refused with a typed error', async () => {
  const message = new KafkaMessage({ topic: 'orders', partition: 2, offset: '5', value: Buffer.from('{"id":1}'), headers: { h: 'v' } });
  const group = { groupName: 'g' } as unknown as KafkaConsumerGroup;
  const record = { ...toWireRecord(message), value: { id: 1 } };
  const context = new KafkaChannelsContext(record, message, group);
  assert.ok(context instanceof KafkaContext);
  assert.equal(context.getTopic(), 'orders');
  assert.equal(context.getPartition(), 2);
  assert.deepEqual(context.getMessage().value, { id: 1 });
  assert.equal(context.getKafkaMessage(), message);
  assert.equal(context.getConsumerGroup(), group);
  await context.getHeartbeat()();
  assert.throws(() => context.getConsumer(), KafkaContextAccessError);
  assert.throws(() => context.getProducer(), KafkaContextAccessError);
});

function parsed(value: string | null, headers: Record<string, string | Buffer> = {}): unknown {
  const message = new KafkaMessage({ topic: 't', partition: 0, offset: '1', value: value === null ? null : Buffer.from(value), headers });
  return new KafkaParser({ keepBinary: false }).parse(toWireRecord(message));
}

test('the request and reply deserializers read records as the built-in ones do', () => {
  const requests = [parsed('{"a":1}'), parsed('plain'), parsed(null), parsed('[1,2]', { h: 'v' })];
  for (const record of requests) {
    assert.deepEqual(
      new KafkaRequestRecordDeserializer().deserialize(record, { channel: 'orders' }),
      new KafkaRequestDeserializer().deserialize(record, { channel: 'orders' }),
    );
  }
  const id = { kafka_correlationId: 'c1' };
  const replies = [
    parsed('{"total":3}', id),
    parsed('7', { ...id, 'kafka_nest-is-disposed': Buffer.alloc(1) }),
    parsed(null, {
      ...id,
      'kafka_nest-err': '{"status":"error","message":"Internal server error"}',
      'kafka_nest-is-disposed': Buffer.alloc(1),
    }),
    parsed(null, { ...id, 'kafka_nest-err': 'plain text error' }),
  ];
  for (const record of replies) {
    assert.deepEqual(new KafkaReplyRecordDeserializer().deserialize(record), new KafkaResponseDeserializer().deserialize(record as never));
  }
});
