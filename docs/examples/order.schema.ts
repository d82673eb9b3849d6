// The Avro schema and event type the guides' examples share (imported as './examples/order.schema').
import type { AvroSchema, AvroValue } from 'nestjs-kafka-channels';

export const ORDER_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'int' },
  ],
} as const satisfies AvroSchema;

/** `{ id: string; quantity: number }` */
export type Order = AvroValue<typeof ORDER_SCHEMA>;
