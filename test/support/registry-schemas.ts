/**
 * The Avro schemas of the schema-registry tests and bench: two versions of an order (v2 adds a
 * field with a default, so each reads the other's records), a record key, and an unrelated
 * record type (an incompatible schema under a topic's subject).
 */
export const ORDER_V1 = { type: 'record', name: 'Order', namespace: 'test.registry', fields: [{ name: 'id', type: 'string' }] } as const;

export const ORDER_V2 = {
  type: 'record',
  name: 'Order',
  namespace: 'test.registry',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: 'string', default: 'none' },
  ],
} as const;

export const ORDER_KEY = {
  type: 'record',
  name: 'OrderKey',
  namespace: 'test.registry',
  fields: [{ name: 'orderId', type: 'string' }],
} as const;

export const PAYMENT = { type: 'record', name: 'Payment', namespace: 'test.registry', fields: [{ name: 'cents', type: 'long' }] } as const;

/** The bench's event schema: about 100 bytes of Avro with {@link BENCH_EVENT}. */
export const BENCH_ORDER = {
  type: 'record',
  name: 'BenchOrder',
  namespace: 'test.registry',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amountCents', type: 'long' },
    { name: 'currency', type: 'string' },
    { name: 'note', type: 'string' },
  ],
} as const;

export const BENCH_EVENT = { orderId: 'o-000000000001', amountCents: 12_345, currency: 'EUR', note: 'x'.repeat(70) };
