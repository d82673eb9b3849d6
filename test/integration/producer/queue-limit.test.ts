import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProducerQueueFullError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { readBack } from './read-back.js';

const FLOOD = 5_000;
const YIELD_EVERY = 500;
const STREAMED = 400;
/** About 60 records of 1 KiB: a flood of 500 sends per event-loop turn must overflow it. */
const MAX_QUEUED_BYTES = 64 * 1024;

const payload = (tag: string) => `${tag}|`.padEnd(1024, '.');

describe('maxQueuedBytes on a real broker', () => {
  it('refuses the overflow of an unawaited flood with ProducerQueueFullError and delivers every accepted record', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const topic = uniqueName('producer-queue-limit');
    await createTopic(topic, 1);
    const producer = new KafkaProducer({
      brokers: sharedBrokers(),
      topic,
      logger: silentLogger,
      maxMessageBytes: 2_000,
      maxQueuedBytes: MAX_QUEUED_BYTES,
    });
    const emitted: KafkaError[] = [];
    producer.errors.on((e) => emitted.push(e));
    try {
      await producer.waitUntilInitialised();

      // Fire-and-forget, yielding now and then as a real service would.
      const sends: Array<{ tag: string; sent: Promise<void> }> = [];
      for (let i = 0; i < FLOOD; i++) {
        const tag = `ff-${i}`;
        sends.push({ tag, sent: producer.sendBytes(payload(tag)) });
        if ((i + 1) % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const outcomes = await Promise.allSettled(sends.map((s) => s.sent));
      const accepted = sends.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((s) => s.tag);
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      console.log(`queue limit: ${accepted.length} of ${FLOOD} flood sends accepted, ${refusals.length} refused`);
      assert.ok(refusals.length > 0, 'the flood overflowed the budget');
      assert.ok(accepted.length > 0, 'sends within the budget went through');
      assert.equal(accepted.length + refusals.length, FLOOD);
      for (const refusal of refusals) {
        assert.ok(refusal instanceof ProducerQueueFullError, `unexpected ${String(refusal)}`);
        assert.equal(refusal.logData.maxQueuedBytes, MAX_QUEUED_BYTES);
        assert.equal(refusal.logData.topic, topic);
      }
      assert.equal(emitted.length, refusals.length, 'every refusal is emitted on errors');
      assert.ok(emitted.every((e) => e instanceof ProducerQueueFullError));

      // Acks drained the queue: sends are accepted again.
      await producer.sendBytes(payload('after-flood'));

      // A stream pushing more than the budget at once waits for room instead of failing.
      const streamed = Array.from({ length: STREAMED }, (_, i) => payload(`stream-${i}`));
      await pipeline(Readable.from(streamed), producer.output({ highWaterMark: 200 }));
      assert.equal(emitted.length, refusals.length, 'the stream met no error');

      const expected = [...accepted, 'after-flood', ...Array.from({ length: STREAMED }, (_, i) => `stream-${i}`)];
      const records = await readBack(topic, expected.length);
      const delivered = records.map((r) => r.value!.toString().split('|')[0]!);
      assert.deepEqual(delivered, expected, 'exactly the accepted records, in send order');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    } finally {
      await producer.close();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
