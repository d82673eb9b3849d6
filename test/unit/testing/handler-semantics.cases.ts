/**
 * Handler-semantics cases written once and run twice: against the in-memory consumer group
 * (test/unit/testing) and against the real group on a broker (test/integration/testing). Both
 * runs must pass: that is what shows the test kit has the real semantics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DoNotCommitError } from '../../../lib/core/consumer/commit-rule.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { MessageHandlerError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';
import { suiteGroups } from '../../support/case-runners.js';

/** Settings a case gives its group. */
export interface CaseGroupConfig {
  readonly topic: string;
  readonly groupName: string;
  readonly numWorkers?: number;
  readonly batchSize?: number;
  readonly batchWaitTime?: number;
}

/** One record a case produces: `{ n }` as JSON to a partition. */
export interface CaseRecord {
  readonly partition: number;
  readonly n: number;
}

/** How a run reaches its group implementation and its "broker". */
export interface SemanticsHarness {
  /** Shown in the test names. */
  readonly label: string;
  /** A topic with `partitions` partitions no other test uses, and a fresh group name. */
  freshTopic(prefix: string, partitions: number): Promise<{ topic: string; groupName: string }>;
  /** A group under test (not started). */
  createGroup(config: CaseGroupConfig): KafkaConsumerGroup;
  /** Writes the records, in order. */
  produce(topic: string, records: readonly CaseRecord[]): Promise<void>;
  /** Committed next-offsets of the group, by partition (absent = none). */
  committed(groupName: string, topic: string): Promise<Record<number, string>>;
  /** Longest wait for records to be handled, ms. */
  readonly timeoutMs: number;
}

/** Registers the shared cases under one `describe`. */
export function handlerSemanticsCases(h: SemanticsHarness): void {
  const newGroup = suiteGroups((config: CaseGroupConfig) => h.createGroup(config));

  describe(`handler semantics (${h.label})`, () => {
    it('keeps order per partition, runs one message per partition at a time, on worker ids 1..N', async () => {
      const { topic, groupName } = await h.freshTopic('order', 3);
      const records = Array.from({ length: 45 }, (_, n) => ({ partition: n % 3, n }));
      await h.produce(topic, records);
      const { group, errors } = newGroup({ topic, groupName, numWorkers: 3 });
      const seen: Array<{ partition: number; n: number; workerId: number }> = [];
      const inFlightByPartition = new Map<number, number>();
      let inFlight = 0;
      let maxInFlight = 0;
      let maxPerPartition = 0;
      group.registerHandler(async (message, workerId) => {
        const perPartition = (inFlightByPartition.get(message.partition) ?? 0) + 1;
        inFlightByPartition.set(message.partition, perPartition);
        maxPerPartition = Math.max(maxPerPartition, perPartition);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await sleep(2 + (message.json<{ n: number }>().n % 4));
        seen.push({ partition: message.partition, n: message.json<{ n: number }>().n, workerId });
        inFlight--;
        inFlightByPartition.set(message.partition, perPartition - 1);
      });
      await group.start();
      await waitUntil('every record handled', () => seen.length === records.length, h.timeoutMs);
      for (const partition of [0, 1, 2]) {
        const order = seen.filter((s) => s.partition === partition).map((s) => s.n);
        assert.deepEqual(
          order,
          records.filter((r) => r.partition === partition).map((r) => r.n),
          `order of partition ${partition}`,
        );
      }
      assert.equal(maxPerPartition, 1, 'never two messages of one partition at once');
      assert.ok(maxInFlight > 1 && maxInFlight <= 3, `partitions ran in parallel on at most 3 workers (max ${maxInFlight})`);
      assert.ok(
        seen.every((s) => s.workerId >= 1 && s.workerId <= 3),
        'worker ids are 1..3',
      );
      await group.stopAndWait();
      assert.deepEqual(await h.committed(groupName, topic), { 0: '15', 1: '15', 2: '15' });
      assert.deepEqual(errors, []);
    });

    it('flushes a batch when it is full, and the rest after the wait time', async () => {
      const { topic, groupName } = await h.freshTopic('batch', 1);
      await h.produce(
        topic,
        Array.from({ length: 23 }, (_, n) => ({ partition: 0, n })),
      );
      const { group, errors } = newGroup({ topic, groupName, batchSize: 10, batchWaitTime: 300 });
      const batches: number[][] = [];
      group.registerBatchHandler(async (messages) => {
        batches.push(messages.map(nOf));
      });
      await group.start();
      await waitUntil('23 records in batches', () => batches.flat().length === 23, h.timeoutMs);
      assert.deepEqual(
        batches.map((b) => b.length),
        [10, 10, 3],
      );
      assert.deepEqual(
        batches.flat(),
        Array.from({ length: 23 }, (_, n) => n),
      );
      await group.stopAndWait();
      assert.deepEqual(await h.committed(groupName, topic), { 0: '23' });
      assert.deepEqual(errors, []);
    });

    it('leaves a whole batch uncommitted when its handler asks not to commit', async () => {
      const { topic, groupName } = await h.freshTopic('batch-nocommit', 1);
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: 0, n })),
      );
      const { group, errors } = newGroup({ topic, groupName, batchSize: 3 });
      const batches: number[][] = [];
      group.registerBatchHandler(async (messages) => {
        batches.push(messages.map(nOf));
        throw new Error('downstream unavailable', { cause: new DoNotCommitError() });
      });
      await group.start();
      await waitUntil('one batch handled', () => batches.length === 1, h.timeoutMs);
      await group.stopAndWait();
      assert.deepEqual(batches, [[0, 1, 2]]);
      assert.deepEqual(await h.committed(groupName, topic), {});
      assert.equal(errors.filter((e) => e instanceof MessageHandlerError)[0]?.logData.commit, false);
    });

    it('commits a message whose handler failed with an ordinary error, and reports the error', async () => {
      const { topic, groupName } = await h.freshTopic('fail', 1);
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: 0, n })),
      );
      const { group, errors } = newGroup({ topic, groupName });
      const handled: number[] = [];
      group.registerHandler(async (message) => {
        handled.push(nOf(message));
        if (nOf(message) === 2) throw new Error('boom');
      });
      await group.start();
      await waitUntil('three records handled', () => handled.length === 3, h.timeoutMs);
      await group.stopAndWait();
      assert.deepEqual(await h.committed(groupName, topic), { 0: '3' });
      const failures = errors.filter((e) => e instanceof MessageHandlerError);
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.logData.commit, true);
    });

    it('leaves a DoNotCommitError message uncommitted, so a restarted group reads it again', async () => {
      const { topic, groupName } = await h.freshTopic('nocommit', 1);
      await h.produce(
        topic,
        [0, 1].map((n) => ({ partition: 0, n })),
      );
      const first = newGroup({ topic, groupName });
      const handled: number[] = [];
      first.group.registerHandler(async (message) => {
        handled.push(nOf(message));
        if (nOf(message) === 1) throw new DoNotCommitError('not yet');
      });
      await first.group.start();
      await waitUntil('two records handled', () => handled.length === 2, h.timeoutMs);
      await first.group.stopAndWait();
      assert.deepEqual(await h.committed(groupName, topic), { 0: '1' });
      assert.equal(first.errors.filter((e) => e instanceof MessageHandlerError)[0]?.logData.commit, false);
      await first.group.close();

      const second = newGroup({ topic, groupName });
      const again: number[] = [];
      second.group.registerHandler(async (message) => {
        again.push(nOf(message));
      });
      await second.group.start();
      await waitUntil('the uncommitted record again', () => again.length === 1, h.timeoutMs);
      await second.group.stopAndWait();
      assert.deepEqual(again, [1]);
      assert.deepEqual(await h.committed(groupName, topic), { 0: '2' });
    });
  });
}

/** The `n` of a case record. */
export function nOf(message: KafkaMessage): number {
  return message.json<{ n: number }>().n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
