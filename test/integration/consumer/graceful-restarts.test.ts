import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import { rawKafka } from '../../support/env.js';
import { replaceMember } from '../../support/replace-member.js';
import { committed, freshTopic, newGroup, nOf } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

const PARTITIONS = 6;
const TOTAL = 30_000;
const CHUNK = 1_000;
/** Pause between chunks: the records flow for about TOTAL / CHUNK * PACE_MS. */
const PACE_MS = 400;
/** Time a restarted member consumes before it is restarted again. */
const RESTART_EVERY_MS = 2_500;

/** How the members handle records: one at a time on 4 workers, or in batches that take a while (a partial batch is held at each rebalance). */
type Mode = 'message handler' | 'batch handler';

const count = (handled: Map<number, number>, m: { value: Buffer | null }) => {
  const n = nOf(m.value);
  handled.set(n, (handled.get(n) ?? 0) + 1);
};

describe('graceful restarts under load (real broker)', () => {
  for (const mode of ['message handler', 'batch handler'] satisfies Mode[]) {
    it(
      `${mode}: three members, one restarted with stopAndWait() + close() while ${TOTAL} keyed records flow: none lost, none twice`,
      { timeout: 60_000 },
      async () => {
        const { topic, groupName } = await freshTopic('graceful-restarts', PARTITIONS);
        const handled = new Map<number, number>();
        const errors: KafkaError[] = [];
        const member = (): KafkaConsumerGroup => {
          const created =
            mode === 'message handler'
              ? newGroup({ topic, groupName, numWorkers: 4 })
              : newGroup({ topic, groupName, batchSize: 200, batchWaitTime: 100 });
          open.push(created.group);
          created.group.errors.on((e) => errors.push(e));
          if (mode === 'message handler') {
            created.group.registerHandler(async (m) => {
              count(handled, m);
              await new Promise((resolve) => setImmediate(resolve));
            });
          } else {
            created.group.registerBatchHandler(async (messages) => {
              await new Promise((resolve) => setTimeout(resolve, 20)); // a bulk write
              for (const m of messages) count(handled, m);
            });
          }
          return created.group;
        };
        const consuming = (g: KafkaConsumerGroup) => g.state === ConsumerState.Consuming;

        const survivors = [member(), member()];
        let restarted = member();
        for (const g of [...survivors, restarted]) await g.start();
        await eventually('three members consuming', () => [...survivors, restarted].every(consuming), 30_000);

        // Idempotent: a send retried after a time-out must not write records twice (they are counted by id).
        const producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        let produced = 0;
        const producing = (async () => {
          try {
            for (let n = 0; n < TOTAL; n += CHUNK) {
              const messages = Array.from({ length: CHUNK }, (_, i) => ({
                key: `key-${(n + i) % 211}`,
                value: JSON.stringify({ n: n + i }),
              }));
              await producer.send({ topic, messages });
              produced += CHUNK;
              await new Promise((resolve) => setTimeout(resolve, PACE_MS));
            }
          } finally {
            await producer.disconnect();
          }
        })();

        let restarts = 0;
        while (produced < TOTAL) {
          await new Promise((resolve) => setTimeout(resolve, RESTART_EVERY_MS));
          restarted = await replaceMember(restarted, member, `restarted member ${restarts + 1}`);
          restarts++;
        }
        await producing;

        const everyone = () => [...survivors, restarted];
        const endOffsets = new Map<number, string>();
        const admin = rawKafka().admin();
        await admin.connect();
        try {
          for (const { partition, high } of await admin.fetchTopicOffsets(topic)) endOffsets.set(partition, high);
        } finally {
          await admin.disconnect();
        }
        await eventually(`all ${TOTAL} records handled (have ${handled.size})`, () => handled.size === TOTAL, 45_000);
        // Once every partition is committed at its end, nothing can be delivered again.
        await eventually(
          'every partition committed at its end',
          async () =>
            everyone().every(consuming) &&
            Object.entries(await committed(groupName, topic)).every(([p, o]) => o === endOffsets.get(Number(p))),
          30_000,
        );

        const duplicates = [...handled].filter(([, count]) => count > 1);
        const missing = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => !handled.has(n));
        console.log(
          `# graceful restarts, ${mode}: ${restarts} restarts, ${TOTAL} records, ${handled.size} unique, ${missing.length} lost, ${duplicates.length} duplicated`,
        );
        assert.ok(restarts >= 3, `the member was restarted several times (${restarts})`);
        assert.deepEqual(missing, [], 'no record lost');
        assert.deepEqual(duplicates.slice(0, 20), [], `no record handled twice (${duplicates.length} were)`);
        // A fresh group's first join may meet COORDINATOR_LOAD_IN_PROGRESS (retried): not what this test is about.
        const commitErrors = errors.filter((e) => /commit/i.test(e.message));
        assert.deepEqual(
          commitErrors.map((e) => `${e.name}: ${e.message} ${JSON.stringify(e.logData)}`),
          [],
          'no refused commit',
        );
      },
    );
  }
});
