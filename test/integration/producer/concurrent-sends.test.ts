import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createTopic, rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';
import { readBack } from './read-back.js';

const RECORDS = 10_000;
const KEYS = 50;

describe('10,000 concurrent sends on a real broker', () => {
  it('delivers all, keeps per-key order, and close() flushes what was still queued', async () => {
    const topic = uniqueName('producer-concurrent');
    await createTopic(topic, 3);
    const producer = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger });
    const failures: unknown[] = [];
    producer.errors.on((e) => failures.push(e));
    await producer.waitUntilInitialised();

    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const key = `key-${i % KEYS}`;
      sends.push(producer.sendJSON({ key, seq: Math.floor(i / KEYS) }, { key }));
    }
    // Nothing awaited yet: close() must flush the queue before disconnecting.
    await producer.close();
    const outcomes = await Promise.allSettled(sends);
    const elapsed = performance.now() - started;
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 0);
    assert.deepEqual(failures, []);

    const records = await readBack(topic, RECORDS);
    assert.equal(records.length, RECORDS);
    const partitionOfKey = new Map<string, number>();
    const lastSeq = new Map<string, number>();
    records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    for (const r of records) {
      const { key, seq } = JSON.parse(r.value!.toString()) as { key: string; seq: number };
      assert.equal(r.key?.toString(), key);
      assert.equal(partitionOfKey.get(key) ?? r.partition, r.partition, `${key} stays on one partition`);
      partitionOfKey.set(key, r.partition);
      assert.equal(seq, (lastSeq.get(key) ?? -1) + 1, `${key}: seq ${seq} follows ${lastSeq.get(key)}`);
      lastSeq.set(key, seq);
    }
    assert.equal(lastSeq.size, KEYS);
    assert.ok(new Set(partitionOfKey.values()).size > 1, 'keys are spread over partitions');

    // Sanity check only (printed, not asserted): the same records as sequential awaited kafkajs sends.
    const raw = rawKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    const rawStarted = performance.now();
    for (let i = 0; i < RECORDS; i++) {
      const key = `key-${i % KEYS}`;
      await raw.send({ topic, acks: 1, messages: [{ key, value: JSON.stringify({ key, seq: i }) }] });
    }
    const rawElapsed = performance.now() - rawStarted;
    await raw.disconnect();
    console.log(
      `${RECORDS} concurrent KafkaProducer sends: ${elapsed.toFixed(0)} ms; ` +
        `${RECORDS} sequential awaited kafkajs sends: ${rawElapsed.toFixed(0)} ms (${(rawElapsed / elapsed).toFixed(1)}x)`,
    );
  });

  it('keeps per-key order across many small batches (one batch in flight at a time)', async () => {
    // Measured: with maxInFlightBatches > 1 kafkajs may write concurrent sendBatch calls out of
    // order (its metadata and lock steps interleave), so per-key order needs the default of 1.
    const topic = uniqueName('producer-inflight');
    await createTopic(topic, 3);
    const producer = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger, maxBatchRecords: 100 });
    await producer.waitUntilInitialised();
    const count = 5_000;
    await Promise.all(Array.from({ length: count }, (_, i) => producer.sendJSON({ seq: Math.floor(i / 10) }, { key: `k${i % 10}` })));
    await producer.close();
    const records = await readBack(topic, count);
    records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    const last = new Map<string, number>();
    for (const r of records) {
      const key = r.key!.toString();
      const { seq } = JSON.parse(r.value!.toString()) as { seq: number };
      assert.equal(seq, (last.get(key) ?? -1) + 1, `${key} in order`);
      last.set(key, seq);
    }
  });
});
