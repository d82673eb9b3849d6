import type { AvroSchema, AvroValue } from '../../lib/index.js';

/** Avro schema of the event POST /events publishes; producer and handler share it. */
export const SAMPLE_EVENT_SCHEMA = {
  type: 'record',
  name: 'SampleEvent',
  namespace: 'sample',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'message', type: 'string' },
    { name: 'createdAt', type: 'string' },
  ],
} as const satisfies AvroSchema;

/** The event itself, derived from the schema: `{ id: string; message: string; createdAt: string }`. */
export type SampleEvent = AvroValue<typeof SAMPLE_EVENT_SCHEMA>;
