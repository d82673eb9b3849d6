import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import { eventually } from '../../support/eventually.js';
import { rawKafka } from '../../support/env.js';
import { replaceMember } from '../../support/replace-member.js';
import { KeyOrderLog } from '../../support/key-order.js';
import { committed, freshTopic, newGroup } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

const PARTITIONS = 6;
/** Records in all (KEY_ORDER_TOTAL overrides it; the figure is 100,000). */
const TOTAL = Number(process.env.KEY_ORDER_TOTAL ?? 100_000);
const KEYS = 1_000;
const CHUNK = 5_000;
/** Pause between produced chunks, so the records keep flowing while members restart. */
const PACE_MS = 250;
/** Time a restarted member consumes before it is restarted again. */
const RESTART_EVERY_MS = 1_500;

/** A key for record n: spread like real traffic (keys repeat at irregular distances), reproducibly. */
function keyOf(n: number): number {
  return (Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) >>> 0) % KEYS;
}

describe("ordering 'key' on the real broker", () => {
  it(
    `${TOTAL} records with ${KEYS} keys across 3 members, one restarted again and again: per key in offset order, none skipped, none lost`,
    { timeout: 150_000 },
    async () => {
      const { topic, groupName } = await freshTopic('key-ordering', PARTITIONS);
      const log = new KeyOrderLog();
      const errors: KafkaError[] = [];
      const member = (): KafkaConsumerGroup => {
        const { group } = newGroup({ topic, groupName, ordering: 'key', maxConcurrency: 16 });
        open.push(group);
        group.errors.on((e) => errors.push(e));
        group.registerHandler(async (m) => {
          const key = m.key!.toString();
          log.begin(key, Number(m.offset));
          try {
            await new Promise((resolve) => setTimeout(resolve, 4)); // some I/O: a backlog builds, so restarts drop queued records
          } finally {
            log.end(key);
          }
        });
        return group;
      };
      const consuming = (g: KafkaConsumerGroup) => g.state === ConsumerState.Consuming;

      const survivors = [member(), member()];
      let restarted = member();
      for (const g of [...survivors, restarted]) await g.start();
      await eventually('three members consuming', () => [...survivors, restarted].every(consuming), 30_000);

      // One producer, one send at a time, idempotent: each key's records are in the topic in send order, once.
      const expected = new Map<string, number>();
      const producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      let produced = 0;
      const producing = (async () => {
        try {
          for (let n = 0; n < TOTAL; n += CHUNK) {
            const messages = Array.from({ length: Math.min(CHUNK, TOTAL - n) }, (_, i) => {
              const key = `key-${keyOf(n + i)}`;
              expected.set(key, (expected.get(key) ?? 0) + 1);
              return { key, value: String(n + i) };
            });
            await producer.send({ topic, messages });
            produced += messages.length;
            await new Promise((resolve) => setTimeout(resolve, PACE_MS));
          }
        } finally {
          await producer.disconnect();
        }
      })();

      let producerFailed = false;
      producing.catch(() => (producerFailed = true)); // awaited below; this only ends the restart loop
      let restarts = 0;
      while ((produced < TOTAL || restarts < 3) && !producerFailed) {
        await new Promise((resolve) => setTimeout(resolve, RESTART_EVERY_MS));
        restarted = await replaceMember(restarted, member, `restarted member ${restarts + 1}`);
        restarts++;
      }
      await producing;

      const admin = rawKafka().admin();
      await admin.connect();
      const endOffsets = new Map<number, string>();
      try {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) endOffsets.set(partition, high);
      } finally {
        await admin.disconnect();
      }
      await eventually(`all ${TOTAL} records handled (have ${log.distinct})`, () => log.distinct === TOTAL, 60_000);
      await eventually(
        'every partition committed at its end',
        async () => Object.entries(await committed(groupName, topic)).every(([p, o]) => o === endOffsets.get(Number(p))),
        30_000,
      );

      const problems = log.check(expected);
      console.log(
        `# key ordering: ${restarts} restarts, ${TOTAL} records, ${KEYS} keys, ${log.calls} handler calls (${log.repeats} redelivered), ` +
          `up to ${log.maxConcurrent} at once, ${problems.length} problems`,
      );
      assert.ok(restarts >= 3, `the member was restarted several times (${restarts})`);
      assert.deepEqual(problems.slice(0, 20), [], `per-key order and completeness (${problems.length} problems)`);
      assert.ok(log.maxConcurrent > PARTITIONS, `more records ran at once (${log.maxConcurrent}) than there are partitions`);
      const commitErrors = errors.filter((e) => /commit/i.test(e.message));
      assert.deepEqual(
        commitErrors.map((e) => `${e.name}: ${e.message} ${JSON.stringify(e.logData)}`),
        [],
        'no refused commit',
      );
    },
  );
});
