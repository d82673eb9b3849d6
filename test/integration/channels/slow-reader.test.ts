import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { CompressionTypes } from 'kafkajs';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { rawKafka } from '../../support/env.js';
import { freshTopic, newGroup } from '../consumer/support.js';

/** Records in the backlog. */
const BACKLOG = 200_000;
/** How long the slow reader reads, ms. */
const READ_FOR_MS = 5_000;
/** Generous bound on resident memory growth while reading (the precise figure belongs to the benchmark). */
const MAX_RSS_GROWTH = 150 * 1024 * 1024;

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

/** Fills `topic` fast with raw kafkajs sendBatch (not the code under test). */
async function fill(topic: string, partitions: number): Promise<void> {
  const producer = rawKafka().producer();
  await producer.connect();
  try {
    const value = Buffer.alloc(100, 'x');
    const chunk = 20_000;
    for (let start = 0; start < BACKLOG; start += chunk) {
      const topicMessages = Array.from({ length: partitions }, (_, partition) => ({
        topic,
        messages: Array.from({ length: chunk / partitions }, () => ({ partition, value })),
      }));
      await producer.sendBatch({ topicMessages, acks: 1, compression: CompressionTypes.None });
    }
  } finally {
    await producer.disconnect();
  }
}

describe('messages() with a slow reader (real broker)', () => {
  it('keeps memory bounded over a 200,000-record backlog: fetching waits for the reader', async (t) => {
    const { topic, groupName } = await freshTopic('chan-slow', 4);
    await fill(topic, 4);
    const { group, errors } = newGroup({ topic, groupName, numWorkers: 2 });
    open.push(group);
    const messages = group.messages();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    await group.start();
    let read = 0;
    const deadline = Date.now() + READ_FOR_MS;
    try {
      for await (const m of messages) {
        read++;
        m.mark();
        m.release();
        if (read % 50 === 0) await sleep(5); // the slow part: about 10,000 messages a second at most
        if (Date.now() > deadline) break;
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    await group.close();
    t.diagnostic(`read ${read} of ${BACKLOG} in ${READ_FOR_MS} ms; RSS growth ${((peak - baseline) / 1048576).toFixed(1)} MiB`);
    assert.ok(read > 0, 'the reader got messages');
    assert.ok(read < BACKLOG, `the reader was slower than the backlog (${read} read)`);
    assert.ok(
      peak - baseline < MAX_RSS_GROWTH,
      `RSS grew by ${((peak - baseline) / 1048576).toFixed(1)} MiB while ${read} of ${BACKLOG} were read`,
    );
    assert.deepEqual(errors, []);
  });
});
