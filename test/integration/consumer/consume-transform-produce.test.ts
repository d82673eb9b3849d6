import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConsumerIsolation } from '../../../lib/core/config/consumer.js';
import type { KafkaConsumerGroup, TransactionalHandlerOptions } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { eventually } from '../../support/eventually.js';
import { committedOffsets, createTopic, uniqueName } from '../../support/env.js';
import { freshTopic, newGroup, nOf, produce, recordingReader } from './support.js';

// The consume-transform-produce mode on a real broker: input n becomes output n, written in the
// transactions that commit the input offsets. The output is read back with read_committed and
// every n must be there exactly once. The seed of the chaos scenario of issue 29.

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
});

/** Every n read from `topic` with `isolation`, in arrival order (a group of its own, from the beginning). */
async function readBack(topic: string, isolation: ConsumerIsolation = 'read_committed'): Promise<number[]> {
  const { group, values } = await recordingReader(topic, isolation, (message) => nOf(message.value));
  closers.push(() => group.close());
  return values;
}

/** A pipeline member: reads `input`, writes each record's n to `output` in transactions. */
async function member(
  input: string,
  groupName: string,
  output: string,
  options: Partial<TransactionalHandlerOptions> = {},
  transform: (n: number) => Promise<void> = async () => {},
): Promise<KafkaConsumerGroup> {
  const { group } = newGroup({ topic: input, groupName, fetchMaxWaitTime: 100 });
  closers.push(() => group.close());
  group.registerTransactionalHandler(
    async (message, tx) => {
      const n = nOf(message.value);
      await tx.sendJSON({ n });
      await transform(n);
    },
    { output: { topic: output }, maxRecords: 50, ...options },
  );
  await group.start();
  return group;
}

function assertExactlyOnce(seen: readonly number[], count: number): void {
  const counts = new Map<number, number>();
  for (const n of seen) counts.set(n, (counts.get(n) ?? 0) + 1);
  const lost = Array.from({ length: count }, (_, n) => n).filter((n) => !counts.has(n));
  const duplicated = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
  assert.deepEqual({ lost, duplicated, total: seen.length }, { lost: [], duplicated: [], total: count });
}

describe('consume-transform-produce on a real broker', () => {
  it('input -> transform -> output: read_committed read-back holds every input record exactly once; offsets at the end', async () => {
    const { topic: input, groupName } = await freshTopic('ctp-in', 3);
    const output = uniqueName('ctp-out');
    await createTopic(output, 3);
    await produce(input, 600, (n) => n % 3);
    await member(input, groupName, output);
    const seen = await readBack(output);
    await eventually('600 output records', () => seen.length >= 600, 60_000);
    await eventually('offsets committed through the transactions', async () => {
      const offsets = await committedOffsets(groupName, input);
      return [0, 1, 2].every((p) => offsets.get(p) === '200');
    });
    assertExactlyOnce(seen, 600);
  });

  it('a failure mid-transaction aborts it (nothing visible, offset not advanced), then it is retried and committed', async () => {
    const { topic: input, groupName } = await freshTopic('ctp-fail', 1);
    const output = uniqueName('ctp-fail-out');
    await createTopic(output, 1);
    await produce(input, 20);
    let failed = false;
    let committedDuringRetry: string | undefined;
    await member(input, groupName, output, { onError: { retry: { attempts: 3, initialMs: 50, jitter: 0 }, then: 'stop' } }, async (n) => {
      if (n !== 10) return;
      if (!failed) {
        failed = true;
        throw new Error('transform failed once');
      }
      committedDuringRetry = (await committedOffsets(groupName, input)).get(0);
    });
    const committed = await readBack(output);
    const uncommitted = await readBack(output, 'read_uncommitted');
    await eventually('20 committed output records', () => committed.length >= 20, 60_000);
    await eventually('the read_uncommitted reader reached 19', () => uncommitted.includes(19), 60_000);
    assertExactlyOnce(committed, 20);
    assert.ok(
      uncommitted.filter((n) => n <= 10).length > 11,
      'the aborted transaction wrote records before the failure (read_uncommitted sees them twice)',
    );
    // The broker writes a commit's markers after EndTxn returns, so a read right after the prefix's
    // commit may still see an older offset; it must never be past the failed record.
    assert.ok(
      committedDuringRetry !== undefined && Number(committedDuringRetry) <= 10,
      `while the failed record is retried, the offset is not past it (read ${committedDuringRetry})`,
    );
    await eventually('offset 20 committed', async () => (await committedOffsets(groupName, input)).get(0) === '20');
  });

  it('graceful hand-over: a second member joins and the first stops mid-run; 0 lost, 0 duplicates', async () => {
    const { topic: input, groupName } = await freshTopic('ctp-handover', 4);
    const output = uniqueName('ctp-handover-out');
    await createTopic(output, 4);
    await produce(input, 2000, (n) => n % 4);
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    const first = await member(input, groupName, output, { maxRecords: 20 }, slow);
    const seen = await readBack(output);
    await eventually('some output before the second member joins', () => seen.length >= 200, 60_000);
    await member(input, groupName, output, { maxRecords: 20 }, slow);
    await eventually('more output after the rebalance', () => seen.length >= 800, 60_000);
    await first.stopAndWait();
    await eventually('2000 output records', () => seen.length >= 2000, 120_000);
    assertExactlyOnce(seen, 2000);
  });
});
