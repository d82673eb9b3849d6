import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schema } from 'avsc';
import { DoNotCommitError } from '../../../lib/core/consumer/commit-rule.js';
import type { ConsumePipeline } from '../../../lib/core/consumer/pipeline.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import {
  HandlerRegistrationError,
  InvalidMessageError,
  KafkaConfigError,
  KafkaOperationError,
  KafkaTimeoutError,
} from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { currentRequestId } from '../../../lib/core/request-context.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { InMemoryProducer } from '../../../lib/testing/in-memory-producer.js';
import { eventually } from '../../support/eventually.js';
import { inMemoryGroups } from '../../support/in-memory-groups.js';

const SCHEMA: Schema = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

const { newGroup, closeAfterTests } = inMemoryGroups();

describe('InMemoryConsumerGroup', () => {
  it('can stand in wherever a KafkaConsumerGroup is expected', () => {
    const group: KafkaConsumerGroup = newGroup();
    assert.deepEqual(group.topics, ['orders']);
    assert.equal(group.groupName, 'billing');
    assert.ok(group.kafkaClient, 'a (never dialled) kafkajs client');
  });

  it('goes through the real states: Initialising, Stopped, Consuming, Stopping, Closing', async () => {
    const group = newGroup();
    const states: ConsumerState[] = [];
    group.onStateChange((s) => states.push(s));
    assert.equal(group.state, ConsumerState.Initialising);
    await group.waitForState(ConsumerState.Stopped);
    assert.equal(group.isInitialised(), true);
    await assert.rejects(group.start(), HandlerRegistrationError);
    group.registerHandler(async () => {});
    assert.throws(() => group.registerBatchHandler(async () => {}), HandlerRegistrationError);
    await group.start();
    await group.waitForState(ConsumerState.Consuming);
    await group.stopAndWait();
    await group.close();
    assert.deepEqual(states, [
      ConsumerState.Stopped,
      ConsumerState.Starting,
      ConsumerState.Consuming,
      ConsumerState.Stopping,
      ConsumerState.Stopped,
      ConsumerState.Closing,
    ]);
  });

  it('delivers pushed records (Avro, JSON, bytes) with key, headers and the request id in context', async () => {
    const group = newGroup();
    const seen: Array<{ message: KafkaMessage; requestId: string | undefined }> = [];
    group.registerHandler(async (message) => {
      seen.push({ message, requestId: currentRequestId() });
    });
    await group.start();
    const pushed = group.queueMessage(SCHEMA, { id: 'o-1' }, { key: 'o-1', headers: { trace: 't' }, requestId: 'req-1' });
    group.queueJSON({ n: 2 });
    group.queueBytes('three');
    await group.waitForIdle();
    assert.equal(pushed.offset, '0');
    assert.equal(seen.length, 3);
    assert.equal(seen[0]!.message.decode<{ id: string }>(SCHEMA).id, 'o-1');
    assert.equal(seen[0]!.message.key?.toString(), 'o-1');
    assert.equal(seen[0]!.message.getHeader('trace'), 't');
    assert.equal(seen[0]!.requestId, 'req-1');
    assert.deepEqual(seen[1]!.message.json(), { n: 2 });
    assert.equal(seen[2]!.message.value?.toString(), 'three');
    assert.equal(group.committedOffset(0), '3');
  });

  it('records commits and reports handler errors with the commit decision', async () => {
    const group = newGroup();
    group.registerHandler(async (message) => {
      if (message.offset === '1') throw new Error('bad record');
    });
    await group.start();
    for (let n = 0; n < 3; n++) group.queueJSON({ n });
    await group.waitForIdle();
    assert.equal(group.committedOffset(0), '3');
    assert.ok(group.commits.length >= 1);
    assert.equal(group.commits.at(-1)!.offset, '3');
    assert.equal(group.emittedErrors.length, 1);
    assert.equal(group.emittedErrors[0]!.logData.commit, true);
  });

  it('redelivers an uncommitted record after a rebalance', async () => {
    const group = newGroup();
    const handled: string[] = [];
    let refuse = true;
    group.registerHandler(async (message) => {
      handled.push(message.offset);
      if (refuse) throw new DoNotCommitError();
    });
    await group.start();
    group.queueJSON({ n: 0 });
    await group.waitForIdle();
    assert.equal(group.committedOffset(0), undefined);
    refuse = false;
    await group.rebalance();
    await group.waitForIdle();
    assert.deepEqual(handled, ['0', '0']);
    assert.equal(group.committedOffset(0), '1');
    assert.equal(group.state, ConsumerState.Consuming);
  });

  it('lets in-flight handlers finish and commit before a rebalance completes', async () => {
    const group = newGroup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    group.registerHandler(async (message) => {
      if (message.offset === '0') {
        started();
        await gate;
      }
      handled.push(message.offset);
    });
    await group.start();
    group.queueJSON(0);
    group.queueJSON(1);
    await firstStarted;
    const rebalanced = group.rebalance();
    assert.equal(group.state, ConsumerState.Starting);
    release();
    await rebalanced;
    assert.equal(group.committedOffset(0), '1', 'the in-flight record was committed during the rebalance');
    await group.waitForIdle();
    assert.deepEqual(handled, ['0', '1'], 'no duplicate, nothing lost');
  });

  it('hands a held partial batch to the batch handler and commits it before the member rejoins', async () => {
    const group = newGroup({ batchSize: 100, batchWaitTime: 60_000, commitInterval: 60_000 });
    const batches: string[][] = [];
    group.registerBatchHandler(async (messages) => {
      await new Promise((resolve) => setImmediate(resolve)); // some work: the commit cannot start at once
      batches.push(messages.map((m) => m.offset));
    });
    const joins: number[] = [];
    await group.start();
    await group.waitForState(ConsumerState.Consuming);
    group.onStateChange((state) => {
      if (state === ConsumerState.Consuming) joins.push(group.commits.length);
    });
    for (let i = 0; i < 3; i++) group.queueJSON(i);
    const { tracker } = (group as unknown as { pipeline: ConsumePipeline }).pipeline;
    await eventually('the three records collected', () => tracker.inFlight() === 3, 5_000, 1);
    assert.deepEqual(batches, [], 'held: neither full nor timed out');
    await group.rebalance();
    assert.deepEqual(batches, [['0', '1', '2']]);
    assert.equal(group.committedOffset(0), '3');
    assert.deepEqual(joins, [1], 'the commit came before the rejoin');
    await group.waitForIdle();
    assert.deepEqual(batches, [['0', '1', '2']], 'nothing redelivered after the rejoin');
  });

  it('recovers from a simulated crash and reports it', async () => {
    const group = newGroup();
    const handled: unknown[] = [];
    group.registerHandler(async (m) => {
      handled.push(m.json());
    });
    await group.start();
    await group.waitForState(ConsumerState.Consuming);
    group.crash();
    assert.equal(group.state, ConsumerState.Starting);
    group.queueJSON('after crash');
    await group.waitForIdle();
    assert.deepEqual(handled, ['after crash']);
    assert.ok(group.emittedErrors.some((e) => e instanceof KafkaOperationError && /error consuming, will retry/.test(e.message)));
  });

  it('keeps initialising in the background while the broker is "down"', async () => {
    const group = newGroup({ minRetryPeriod: 5, maxRetryPeriod: 10 });
    group.failConnects(3);
    group.registerHandler(async () => {});
    await group.start();
    assert.equal(group.state, ConsumerState.Initialising);
    await group.waitForState(ConsumerState.Consuming);
    assert.equal(group.isInitialised(), true);
  });

  it('consumes what an InMemoryProducer sends through a shared broker', async () => {
    const broker = new InMemoryBroker({ defaultPartitions: 3 });
    const group = newGroup({ broker, batchSize: 5, batchWaitTime: 20 });
    const producer = new InMemoryProducer({ topic: 'orders', broker });
    closeAfterTests(producer);
    const batches: number[][] = [];
    group.registerBatchHandler(async (messages) => {
      batches.push(messages.map((m) => m.json<number>()));
    });
    await group.start();
    await producer.waitUntilInitialised();
    await Promise.all(Array.from({ length: 12 }, (_, i) => producer.sendJSON(i, { key: `k${i % 4}` })));
    await group.waitForIdle();
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i),
    );
    const committed = [0, 1, 2].reduce((sum, p) => sum + Number(group.committedOffset(p) ?? 0), 0);
    assert.equal(committed, 12);
  });

  it('keeps order and commits everything when a partition is read one record per fetch', async () => {
    const group = newGroup({ fetchSize: 1, numWorkers: 3, partitions: 2 });
    const seen: Array<[number, number]> = [];
    group.registerHandler(async (m) => {
      seen.push([m.partition, m.json<number>()]);
    });
    await group.start();
    for (let n = 0; n < 20; n++) group.queueJSON(n, { partition: n % 2 });
    await group.waitForIdle();
    for (const p of [0, 1]) {
      assert.deepEqual(
        seen.filter(([q]) => q === p).map(([, n]) => n),
        Array.from({ length: 10 }, (_, i) => i * 2 + p),
      );
      assert.equal(group.committedOffset(p), '10');
    }
  });

  it('resumes after stop and start from the committed offsets, without duplicates', async () => {
    const group = newGroup();
    const seen: number[] = [];
    group.registerHandler(async (m) => {
      seen.push(m.json<number>());
    });
    await group.start();
    group.queueJSON(1);
    await group.waitForIdle();
    await group.stopAndWait();
    group.queueJSON(2);
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(seen, [1, 2]);
    assert.equal(group.committedOffset(0), '2');
  });

  it("starts a new group at the end of the log with offset 'newest'", async () => {
    const broker = new InMemoryBroker();
    const old = newGroup({ broker });
    old.queueJSON('before');
    const group = newGroup({ broker, groupName: 'late', offset: 'newest' });
    const seen: unknown[] = [];
    group.registerHandler(async (m) => {
      seen.push(m.json());
    });
    await group.start();
    await group.waitForState(ConsumerState.Consuming);
    group.queueJSON('after');
    await group.waitForIdle();
    assert.deepEqual(seen, ['after']);
  });

  it('reports a failed commit and commits the position with the next one', async () => {
    const group = newGroup({ commitInterval: 5 });
    group.registerHandler(async () => {});
    group.failCommits(1);
    await group.start();
    group.queueJSON(1);
    await group.waitForIdle();
    assert.ok(group.emittedErrors.some((e) => e instanceof KafkaOperationError && /failed to commit offsets/.test(e.message)));
    assert.equal(group.committedOffset(0), '1');
  });

  it('waitForIdle names what is pending when it times out', async () => {
    const group = newGroup();
    group.registerHandler(async () => {});
    group.queueJSON(1);
    await assert.rejects(group.waitForIdle(30), (e: unknown) => e instanceof KafkaTimeoutError && e.logData.state !== 'Consuming');
  });

  it('refuses records for topics it does not consume, and bad records', () => {
    const group = newGroup({ topic: ['a', 'b'] });
    assert.equal(group.push({ json: 1, topic: 'b' }).topic, 'b');
    assert.throws(
      () => group.push({ json: 1, topic: 'c' }),
      (e: unknown) => e instanceof InvalidMessageError && /consumes a, b/.test(e.message),
    );
    assert.throws(() => group.push({ json: 1, partition: 1.5 }), InvalidMessageError);
  });

  it('creates the configured partitions and grows a topic when a record names a new one', () => {
    const group = newGroup({ partitions: 2 });
    assert.equal(group.broker.partitionCount('orders'), 2);
    assert.equal(group.push({ json: 1, partition: 4 }).partition, 4);
    assert.equal(group.broker.partitionCount('orders'), 5);
  });

  it("rejects a bad config with one KafkaConfigError naming every bad field, the kit's included", () => {
    assert.throws(
      () => new InMemoryConsumerGroup({ topic: 'orders', groupName: '', numWorkers: 0, partitions: -1, fetchSize: 0 }),
      (e: unknown) =>
        e instanceof KafkaConfigError &&
        ['groupName', 'numWorkers', 'partitions', 'fetchSize'].every((f) => e.problems.some((p) => p.field === f)),
    );
  });
});
