import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import type { KafkaJsConsumerTransport } from '../../../lib/core/consumer/kafkajs-transport.js';
import { eventually } from '../../support/eventually.js';
import { committed, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

const PARTITIONS = 6;
const PER_PARTITION = 50;
/** Long enough that no periodic commit runs during a test: only the rebalance path commits. */
const NO_PERIODIC_COMMIT = 120_000;

/** The kafkajs transport under a group (its consumer's instrumentation events tell what was fetched). */
const transportOf = (group: KafkaConsumerGroup) => (group as unknown as { transport: KafkaJsConsumerTransport }).transport;

/** Every error of `errors` as one line each (for assertion messages). */
const describeErrors = (errors: readonly KafkaError[]) =>
  errors.map((e) => `${e.name}: ${e.message} ${JSON.stringify(e.logData)}`).join('\n');

describe('graceful hand-over: the surviving member commits before it rejoins (real broker)', () => {
  it('a member that finished everything commits it with its old generation when another member joins', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('handover-join', PARTITIONS);
    const total = PARTITIONS * PER_PARTITION;
    await produce(topic, total, (n) => n % PARTITIONS);

    const handledBy = { a: new Map<number, number>(), b: new Map<number, number>() };
    const record = (seen: Map<number, number>) => async (m: { value: Buffer | null }) => {
      const n = nOf(m.value);
      seen.set(n, (seen.get(n) ?? 0) + 1);
    };
    const a = newGroup({ topic, groupName, numWorkers: 3, commitInterval: NO_PERIODIC_COMMIT });
    open.push(a.group);
    a.group.registerHandler(record(handledBy.a));
    const aStates: ConsumerState[] = [];
    a.group.onStateChange((state) => aStates.push(state));
    await a.group.start();
    await eventually(`member a handled all ${total} records (has ${handledBy.a.size})`, () => handledBy.a.size === total, 30_000);

    // The set-up holds: everything is finished and nothing is committed yet.
    const before = await committed(groupName, topic);
    assert.deepEqual(Object.values(before), Array(PARTITIONS).fill('-1'), 'no commit before the rebalance');

    const b = newGroup({ topic, groupName, numWorkers: 3, commitInterval: NO_PERIODIC_COMMIT });
    open.push(b.group);
    b.group.registerHandler(record(handledBy.b));
    const rejoinedFrom = aStates.length;
    await b.group.start();
    // a goes through Starting (rebalancing) and back to Consuming (joined the new generation).
    await eventually(
      'both members consuming after the rebalance',
      () =>
        aStates.slice(rejoinedFrom).includes(ConsumerState.Starting) &&
        a.group.state === ConsumerState.Consuming &&
        b.group.state === ConsumerState.Consuming,
      30_000,
    );

    const after = await committed(groupName, topic);
    assert.deepEqual(
      after,
      Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [p, String(PER_PARTITION)])),
      'a committed everything it finished before rejoining',
    );
    assert.equal(handledBy.b.size, 0, 'nothing was redelivered to the new member');
    assert.equal(a.errors.length, 0, `member a reported no error (a refused commit would be one):\n${describeErrors(a.errors)}`);
    assert.equal(b.errors.length, 0, `member b reported no error:\n${describeErrors(b.errors)}`);
  });

  it('a partial batch held by a batch handler is handled and committed before the member rejoins', { timeout: 60_000 }, async () => {
    const { topic, groupName } = await freshTopic('handover-batch', PARTITIONS);
    const total = PARTITIONS * PER_PARTITION;
    await produce(topic, total, (n) => n % PARTITIONS);

    const handledBy = { a: new Map<number, number>(), b: new Map<number, number>() };
    // Never full and never timed out: the batch is handed over only when partitions are given up.
    // Handling it takes a while, as real work does, so the commit comes well after the rebalance began.
    const holdAll = { batchSize: total + 1, batchWaitTime: 55_000, commitInterval: NO_PERIODIC_COMMIT };
    const slowBatch = (seen: Map<number, number>) => async (messages: Array<{ value: Buffer | null }>) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const m of messages) seen.set(nOf(m.value), (seen.get(nOf(m.value)) ?? 0) + 1);
    };
    const a = newGroup({ topic, groupName, ...holdAll });
    open.push(a.group);
    a.group.registerBatchHandler(slowBatch(handledBy.a));
    let collected = 0;
    const { END_BATCH_PROCESS } = transportOf(a.group).consumer.events;
    transportOf(a.group).consumer.on(END_BATCH_PROCESS, (event) => (collected += event.payload.batchSize));
    await a.group.start();
    await eventually(
      () => `member a collected all ${total} records (has ${collected})`,
      () => collected === total,
      30_000,
    );
    assert.equal(handledBy.a.size, 0, 'the batch is held, not handled yet');

    const b = newGroup({ topic, groupName, ...holdAll, batchWaitTime: 200 });
    open.push(b.group);
    b.group.registerBatchHandler(slowBatch(handledBy.b));
    await b.group.start();
    await eventually(
      'the held batch handled and both members consuming',
      () => handledBy.a.size === total && a.group.state === ConsumerState.Consuming && b.group.state === ConsumerState.Consuming,
      30_000,
    );

    assert.deepEqual(
      await committed(groupName, topic),
      Object.fromEntries(Array.from({ length: PARTITIONS }, (_, p) => [p, String(PER_PARTITION)])),
      'a committed the flushed batch before rejoining',
    );
    assert.equal(a.errors.length, 0, `member a reported no error (a refused commit would be one):\n${describeErrors(a.errors)}`);
    assert.equal(handledBy.b.size, 0, 'nothing was redelivered to the new member');
  });

  it(
    'the survivors of a graceful leave commit before rejoining: the records move on without a duplicate',
    { timeout: 60_000 },
    async () => {
      const { topic, groupName } = await freshTopic('handover-leave', PARTITIONS);
      const total = PARTITIONS * PER_PARTITION;
      await produce(topic, total, (n) => n % PARTITIONS);

      const seen = new Map<number, number>();
      const handler = async (m: { value: Buffer | null }) => {
        const n = nOf(m.value);
        seen.set(n, (seen.get(n) ?? 0) + 1);
      };
      const members = [0, 1, 2].map(() => {
        const created = newGroup({ topic, groupName, numWorkers: 2, commitInterval: NO_PERIODIC_COMMIT });
        open.push(created.group);
        created.group.registerHandler(handler);
        return created;
      });
      // Join one after the other so every member owns partitions when the records are handled.
      for (const m of members) await m.group.start();
      await eventually('three members consuming', () => members.every((m) => m.group.state === ConsumerState.Consuming), 30_000);
      await eventually(`all ${total} records handled (have ${seen.size})`, () => seen.size === total, 30_000);

      const [leaver, ...survivors] = members;
      await leaver!.group.stopAndWait();
      await leaver!.group.close({ timeout: 15_000 });
      const duplicates = () => [...seen].filter(([, count]) => count > 1).map(([n]) => n);
      // Either outcome ends the wait: every partition committed at its end, or a record came twice.
      await eventually(
        'the survivors rejoined and every partition is committed at its end',
        async () =>
          duplicates().length > 0 ||
          (survivors.every((m) => m.group.state === ConsumerState.Consuming) &&
            Object.values(await committed(groupName, topic)).every((o) => o === String(PER_PARTITION))),
        30_000,
      );

      assert.deepEqual(duplicates(), [], 'no record handled twice');
      for (const m of members) assert.equal(m.errors.length, 0, describeErrors(m.errors));
    },
  );
});
