/**
 * Records written by Kafka's Java console producer with each codec are handled by a
 * KafkaConsumerGroup, every one once; a topic mixing plain and lz4 batches is read whole.
 * The codec on disk is checked first, so a test cannot pass on uncompressed batches.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { eventually } from '../../support/eventually.js';
import { codecsOnDisk, javaConsoleProduce, type KafkaCodecName } from '../../support/kafka-java-tools.js';
import { freshTopic, newGroup } from '../consumer/support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
});

/** JSON lines of about 1 KiB: `{ "n": …, "customer": …, "items": … }`. */
function jsonLines(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return JSON.stringify({
      n,
      customer: `customer-${n % 17}`,
      items: Array.from({ length: 12 }, (_, k) => ({
        sku: `sku-${(n * 31 + k) % 997}`,
        qty: 1 + (k % 4),
        note: 'gift wrap, express shipping',
      })),
    });
  });
}

/** Handles `topic` with a fresh group until `expected` records arrived; returns each `n` seen, in order of handling. */
async function handleAll(topic: string, groupName: string, expected: number): Promise<number[]> {
  const { group, errors } = newGroup({ topic, groupName });
  open.push(group);
  const seen: number[] = [];
  group.registerHandler(async (message) => {
    seen.push((JSON.parse(message.value?.toString('utf8') ?? 'null') as { n: number }).n);
  });
  await group.start();
  await eventually(
    () => `${expected} records of ${topic} handled (handled ${seen.length}; errors: ${errors.map((e) => e.message).join(' | ')})`,
    () => seen.length >= expected,
    60_000,
  );
  await group.stopAndWait();
  assert.deepEqual(errors, []);
  return seen;
}

function assertEachOnce(seen: readonly number[], count: number): void {
  assert.equal(seen.length, count, 'every record handled once');
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: count }, (_, n) => n),
  );
}

describe("records from Kafka's Java console producer (real broker)", () => {
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`handles 200 records written with ${codec}, each once`, async () => {
      const { topic, groupName } = await freshTopic(`java-${codec}`);
      await javaConsoleProduce(topic, jsonLines(0, 200), codec);
      const onDisk = await codecsOnDisk(topic);
      assert.ok(onDisk.length > 0 && onDisk.every((c) => c === codec), `batches on disk: ${onDisk.join(', ')}`);
      assertEachOnce(await handleAll(topic, groupName, 200), 200);
    });
  }

  it('reads a topic of plain, lz4 and plain batches whole', async () => {
    const { topic, groupName } = await freshTopic('java-mixed');
    const parts: Array<[number, number, KafkaCodecName]> = [
      [0, 50, 'none'],
      [50, 200, 'lz4'],
      [250, 50, 'none'],
    ];
    for (const [from, count, codec] of parts) await javaConsoleProduce(topic, jsonLines(from, count), codec);
    const onDisk = await codecsOnDisk(topic);
    const runs = onDisk.filter((c, i) => i === 0 || c !== onDisk[i - 1]);
    assert.deepEqual(runs, ['none', 'lz4', 'none'], `batches on disk: ${onDisk.join(', ')}`);
    const seen = await handleAll(topic, groupName, 300);
    assertEachOnce(seen, 300);
    assert.deepEqual(
      seen,
      Array.from({ length: 300 }, (_, n) => n),
      'one partition: handled in log order',
    );
  });
});
