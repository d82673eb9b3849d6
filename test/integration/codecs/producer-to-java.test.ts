/**
 * The library's producer with each codec: Kafka's Java console consumer reads every record back,
 * and the batches on disk carry the configured codec (`DumpLogSegments`' `compresscodec:`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProducerCompression } from '../../../lib/core/config/producer.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { codecsOnDisk, javaConsoleConsume } from '../../support/kafka-java-tools.js';

const RECORDS = 200;

describe("the library's producer, read by Kafka's Java console consumer (real broker)", () => {
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly ProducerCompression[]) {
    it(`writes ${compression} batches that Java reads back whole`, async () => {
      const topic = uniqueName(`produce-${compression}`);
      await createTopic(topic, 1);
      const producer = new KafkaProducer({ brokers: sharedBrokers(), topic, compression, logger: silentLogger });
      try {
        await producer.waitUntilInitialised();
        // Sent together, so batches hold many records (and a records section worth compressing).
        await Promise.all(
          Array.from({ length: RECORDS }, (_, n) =>
            producer.sendJSON({ n, note: `record ${n} of the ${compression} batch`.padEnd(1000, '.') }),
          ),
        );
      } finally {
        await producer.close();
      }
      const onDisk = await codecsOnDisk(topic);
      assert.ok(onDisk.length > 0 && onDisk.every((c) => c === compression), `batches on disk: ${onDisk.join(', ')}`);
      const values = await javaConsoleConsume(topic, RECORDS);
      const ns = values.map((v) => (JSON.parse(v) as { n: number }).n).sort((a, b) => a - b);
      assert.deepEqual(
        ns,
        Array.from({ length: RECORDS }, (_, n) => n),
      );
    });
  }
});
