import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

describe('rebalances (real broker)', () => {
  it('two members, a third joins and one leaves mid-stream: every message handled at least once', { timeout: 90_000 }, async () => {
    const { topic, groupName } = await freshTopic('rebalance', 6);
    const total = 3000;
    const seen = new Map<number, number>();
    const handler = async (m: { value: Buffer | null }) => {
      const n = nOf(m.value);
      seen.set(n, (seen.get(n) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 1));
    };
    const member = () => {
      const created = newGroup({ topic, groupName, numWorkers: 3 });
      open.push(created.group);
      created.group.registerHandler(handler);
      return created;
    };

    const a = member();
    const b = member();
    await Promise.all([a.group.start(), b.group.start()]);
    const producing = (async () => {
      for (let i = 0; i < total; i += 300) {
        await produce(topic, 300, (n) => n % 6, i);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    await eventually('a quarter handled', () => seen.size >= total / 4, 30_000);
    const c = member();
    await c.group.start();
    await expectState(c.group, ConsumerState.Consuming, 30_000);
    await eventually('half handled', () => seen.size >= total / 2, 30_000);
    await a.group.close({ timeout: 15_000 });
    await producing;
    await eventually(`all ${total} messages (have ${seen.size})`, () => seen.size >= total, 45_000);

    if (process.env.CG_DEBUG)
      console.log(
        'dups',
        [...seen.values()].filter((v) => v > 1).length,
        'errors',
        [...a.errors, ...b.errors, ...c.errors].map((e) => `${e.name}: ${e.message}`),
      );
    const missing = Array.from({ length: total }, (_, i) => i).filter((n) => !seen.has(n));
    assert.deepEqual(missing, []);
    // Redelivery across a rebalance is allowed (at-least-once) but every error must be typed.
    for (const e of [...a.errors, ...b.errors, ...c.errors]) assert.ok(e.name.endsWith('Error'), String(e));
  });
  it(
    'a rebalance while handlers run: in-flight messages finish and are committed before the partitions move (no duplicates)',
    { timeout: 60_000 },
    async () => {
      const { topic, groupName } = await freshTopic('rebalance-inflight', 2);
      await produce(topic, 6, (n) => n % 2);
      const seen: number[] = [];
      let started = 0;
      const slow = async (m: { value: Buffer | null }) => {
        started++;
        await new Promise((r) => setTimeout(r, 2_500));
        seen.push(nOf(m.value));
      };
      const a = newGroup({ topic, groupName, numWorkers: 2 });
      open.push(a.group);
      a.group.registerHandler(slow);
      await a.group.start();
      await eventually('a handler running on the first member', () => started >= 1, 20_000);
      const b = newGroup({ topic, groupName, numWorkers: 2 });
      open.push(b.group);
      b.group.registerHandler(slow);
      await b.group.start();
      await eventually(`all 6 messages (have ${seen.length})`, () => seen.length >= 6, 45_000);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.deepEqual(
        [...seen].sort((x, y) => x - y),
        [0, 1, 2, 3, 4, 5],
        'each message exactly once',
      );
      assert.equal(b.group.state, ConsumerState.Consuming);
    },
  );
});
