import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import type { OutputRecord } from '../../../lib/core/producer/output-stream.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { headerText, readBack } from '../producer/read-back.js';

describe('producer.output(): the writable stream (real broker)', () => {
  it('pipeline(Readable.from(records), producer.output()) delivers every record in order and resolves', async () => {
    const topic = uniqueName('chan-out');
    await createTopic(topic, 1);
    // Not initialised yet: the stream waits for the producer before sending.
    const producer = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger });
    const errors: unknown[] = [];
    producer.errors.on((e) => errors.push(e));
    const count = 600;
    const records: OutputRecord[] = Array.from({ length: count }, (_, i) =>
      i % 3 === 0 ? Buffer.from(`r${i}`) : i % 3 === 1 ? `r${i}` : { value: `r${i}`, key: `k${i}`, headers: { seq: String(i) } },
    );
    try {
      await pipeline(Readable.from(records), producer.output({ highWaterMark: 8 }));
      const read = await readBack(topic, count);
      assert.deepEqual(
        read.map((r) => r.value?.toString()),
        records.map((_, i) => `r${i}`),
      );
      assert.equal(read[2]!.key?.toString(), 'k2');
      assert.equal(headerText(read[2]!.headers, 'seq'), '2');
      assert.deepEqual(errors, []);
    } finally {
      await producer.close();
    }
  });
});
