import type { Schema } from 'avsc';

/** The event POST /events publishes, as Avro. */
export interface SampleEvent {
  id: string;
  message: string;
  createdAt: string;
}

/** Avro schema of {@link SampleEvent}; producer and handler share it. */
export const SAMPLE_EVENT_SCHEMA: Schema = {
  type: 'record',
  name: 'SampleEvent',
  namespace: 'sample',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'message', type: 'string' },
    { name: 'createdAt', type: 'string' },
  ],
};
