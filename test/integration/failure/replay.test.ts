import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage as RawMessage } from 'kafkajs';
import { replayDeadLetters } from '../../../lib/core/admin/replay-dead-letters.js';
import { FAILURE_HEADERS, encodeInt32 } from '../../../lib/core/consumer/failure/failure-headers.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { createTopic, rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';

/** Writes `count` dead letters of `original` to `dlt` (every third with `kind: skip`), plus one without the original-topic header. */
async function writeDeadLetters(dlt: string, original: string, count: number, start = 0): Promise<void> {
  const producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: dlt,
      messages: [
        ...Array.from({ length: count }, (_, i) => ({
          key: `k${start + i}`,
          value: JSON.stringify({ n: start + i, kind: (start + i) % 3 === 0 ? 'skip' : 'move' }),
          partition: (start + i) % 2,
          headers: {
            'request-id': `req-${start + i}`,
            [FAILURE_HEADERS.originalTopic]: original,
            [FAILURE_HEADERS.originalPartition]: encodeInt32(0),
            [FAILURE_HEADERS.exceptionMessage]: 'boom',
          },
        })),
        { key: 'orphan', value: '{}', partition: 0, headers: { 'request-id': 'orphan' } },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}

/** Every record of `topic` (one partition), read with a throw-away group. */
async function readAll(topic: string, expected: number): Promise<RawMessage[]> {
  const consumer = rawKafka().consumer({ groupId: uniqueName('replay-check') });
  const seen: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await eventually(`${expected} records in ${topic}`, () => seen.length >= expected, 30_000);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('dead-letter replay (real broker)', () => {
  it('moves the filtered dead letters back to their original topic without failure headers; a rerun moves none; new ones are moved next time', async () => {
    const original = uniqueName('replay-orders');
    const dlt = `${original}.DLT`;
    await createTopic(original, 1);
    await createTopic(dlt, 2);
    await writeDeadLetters(dlt, original, 30);
    const options = {
      brokers: sharedBrokers(),
      logger: silentLogger,
      deadLetterTopic: dlt,
      filter: (m: { json(): unknown }) => (m.json() as { kind: string }).kind === 'move',
    };

    const first = await replayDeadLetters(options);
    assert.deepEqual(first, { moved: 20, skipped: 10, unroutable: 1, byTopic: { [original]: 20 } });

    const rerun = await replayDeadLetters(options);
    assert.deepEqual(rerun, { moved: 0, skipped: 0, unroutable: 0, byTopic: {} });

    await writeDeadLetters(dlt, original, 3, 100);
    const later = await replayDeadLetters(options);
    assert.equal(later.moved, 2, 'only the records written since the last run (100 is a skip)');

    const back = await readAll(original, 22);
    assert.equal(back.length, 22);
    const sample = back.find((m) => m.key?.toString() === 'k1')!;
    assert.deepEqual(JSON.parse(sample.value!.toString()), { n: 1, kind: 'move' });
    assert.equal(sample.headers?.['request-id']?.toString(), 'req-1', 'other headers are kept');
    assert.equal(sample.headers?.[FAILURE_HEADERS.originalTopic], undefined, 'failure headers are dropped');
    assert.equal(sample.headers?.[FAILURE_HEADERS.exceptionMessage], undefined);
  });

  it('refuses a bad call before touching the network, naming the fields', async () => {
    await assert.rejects(
      replayDeadLetters({ brokers: sharedBrokers(), deadLetterTopic: '', groupId: '' }),
      (error: Error) => error.name === 'KafkaConfigError' && /deadLetterTopic/.test(error.message) && /groupId/.test(error.message),
    );
  });
});
