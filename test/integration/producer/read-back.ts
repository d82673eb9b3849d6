import type { IHeaders } from 'kafkajs';
import { rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';

/** One record as a plain kafkajs consumer sees it. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/**
 * Reads `count` records of `topic` from the beginning with a plain kafkajs consumer (not the code
 * under test), then disconnects. Rejects when fewer arrive within `timeoutMs`.
 */
export async function readBack(topic: string, count: number, brokers = sharedBrokers(), timeoutMs = 30_000): Promise<ReadRecord[]> {
  const consumer = rawKafka(brokers).consumer({ groupId: uniqueName('producer-readback'), maxWaitTimeInMs: 100 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${records.length} of ${count} records of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              records.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {} });
            }
            if (records.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** A header value as text (first value when repeated). */
export function headerText(headers: IHeaders, key: string): string | undefined {
  const value = headers[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Every value of a header, as text. */
export function headerTexts(headers: IHeaders, key: string): string[] {
  const value = headers[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => v.toString());
}
