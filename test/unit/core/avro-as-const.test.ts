import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAvro, encodeAvro, type AvroSchema, type AvroValue, type KafkaProducer } from '../../../lib/core/index.js';

// The type assertions in this file are checked by `npm run build` (tsc): a `@ts-expect-error`
// that stops erroring fails the build.
const ORDER = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: ['null', 'int'] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['retail', 'trade'] } },
  ],
} as const satisfies AvroSchema;
type Order = AvroValue<typeof ORDER>;

// @ts-expect-error id is a string in the schema
const wrongId: Order = { id: 1, amount: null, tags: [], kind: 'retail' };
void wrongId;

/** Compile-time only: `send` checks the event against an `as const` schema, and takes anything otherwise. */
export function typedSendExamples(producer: KafkaProducer): void {
  void producer.send(ORDER, { id: 'o-1', amount: 3, tags: [], kind: 'trade' });
  // @ts-expect-error 'wholesale' is not a symbol of Kind
  void producer.send(ORDER, { id: 'o-1', amount: 3, tags: [], kind: 'wholesale' });
  void producer.send('"string"', 'any event: a JSON-text schema is not typed');
}

test('an `as const` schema encodes and decodes, and AvroValue is the decoded shape', () => {
  const order: Order = { id: 'o-1', amount: null, tags: ['a', 'b'], kind: 'trade' };
  const decoded = decodeAvro<Order>(ORDER, encodeAvro(ORDER, order));
  assert.deepEqual({ ...decoded }, order);
});
