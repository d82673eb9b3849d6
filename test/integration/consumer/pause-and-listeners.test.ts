import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { AssignedPartitions } from '../../../lib/core/consumer/partition-request.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { eventually } from '../../support/eventually.js';
import { committed, expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const open: KafkaConsumerGroup[] = [];
after(async () => {
  await Promise.all(open.map((g) => g.close({ timeout: 15_000 })));
});

/** Session timeout of these members: a pause longer than it proves heartbeats go on. */
const SESSION_TIMEOUT = 6_000;

const show = (ps: readonly AssignedPartitions[]) => ps.map((p) => `[${p.partitions.join(',')}]`).join('');

/** kafkajs' generation id of the member's current join (internal, read for the test only). */
function generationOf(group: KafkaConsumerGroup): number | undefined {
  return (group as unknown as { transport: { group?: { generationId?: number } } }).transport.group?.generationId;
}

describe('pause, resume and rebalance listeners (real broker)', () => {
  it(
    'pause keeps the membership (same generation, no rebalance on either member); resume goes on with nothing lost or repeated',
    { timeout: 90_000 },
    async () => {
      const { topic, groupName } = await freshTopic('pause', 2);
      const handled = new Map<number, number>();
      const byMember = { a: [] as number[], b: [] as number[] };
      const events: string[] = [];
      const member = (name: 'a' | 'b') => {
        const { group, errors } = newGroup({
          topic,
          groupName,
          messageConsumeTimeout: SESSION_TIMEOUT,
          onPartitionsAssigned: (ps) => void events.push(`${name} assigned ${show(ps)}`),
          onPartitionsRevoked: (ps) => void events.push(`${name} revoked ${show(ps)}`),
        });
        open.push(group);
        group.registerHandler(async (m) => {
          const n = nOf(m.value);
          handled.set(n, (handled.get(n) ?? 0) + 1);
          byMember[name].push(n);
        });
        return { group, errors };
      };
      const a = member('a');
      const b = member('b');
      await a.group.start();
      await expectState(a.group, ConsumerState.Consuming, 30_000);
      await b.group.start();
      await eventually(
        'each member holds one partition',
        () => a.group.assignment()[0]?.partitions.length === 1 && b.group.assignment()[0]?.partitions.length === 1,
        40_000,
      );
      await produce(topic, 20, (n) => n % 2);
      await eventually('first 20 handled', () => handled.size === 20, 30_000);

      const generation = generationOf(a.group);
      assert.ok(generation !== undefined && generation === generationOf(b.group), 'both members in one generation');
      const eventsBefore = [...events];
      const aPartition = a.group.assignment()[0]!.partitions[0]!;
      await a.group.pause();
      assert.equal(a.group.isPaused(), true);
      assert.equal(a.group.state, ConsumerState.Consuming);
      const aHandledBefore = byMember.a.length;
      const pausedAt = Date.now();
      await produce(topic, 20, (n) => n % 2, 20);
      // Longer than a session timeout: a member that stopped heartbeating would be evicted by now.
      await eventually(
        'the other member handled its share while the paused one waited past a session timeout',
        () => handled.size === 30 && Date.now() - pausedAt > SESSION_TIMEOUT * 1.5,
        30_000,
      );
      assert.equal(byMember.a.length, aHandledBefore, 'the paused member handled nothing');
      assert.equal(generationOf(a.group), generation, 'the paused member kept its generation');
      assert.equal(generationOf(b.group), generation, 'the other member saw no rebalance');
      assert.deepEqual(events, eventsBefore, 'no partition was revoked or assigned on either member');
      assert.equal((await committed(groupName, topic))[aPartition], '10', 'the paused partition keeps its committed position');

      a.group.resume();
      await eventually('all 40 handled after the resume', () => handled.size === 40, 30_000);
      assert.deepEqual(
        [...handled].filter(([, count]) => count !== 1),
        [],
        'each record handled exactly once',
      );
      await eventually('both partitions committed to the end', async () => {
        const c = await committed(groupName, topic);
        return c[0] === '20' && c[1] === '20';
      });
      assert.equal(generationOf(a.group), generation);
      assert.deepEqual([...a.errors, ...b.errors], []);
    },
  );

  it(
    'listeners fire in order around a rebalance between two members: revoked after the commit of finished work, then assigned',
    { timeout: 90_000 },
    async () => {
      const { topic, groupName } = await freshTopic('listeners', 2);
      await produce(topic, 10, (n) => n % 2);
      const handled = new Set<number>();
      const events: string[] = [];
      const member = (name: string) => {
        const { group, errors } = newGroup({
          topic,
          groupName,
          onPartitionsAssigned: (ps) => void events.push(`${name} assigned ${show(ps)}`),
          onPartitionsRevoked: async (ps) => {
            // What the broker holds when the listener runs: the group's own commit came first.
            const c = await committed(groupName, topic);
            events.push(`${name} revoked ${show(ps)} committed ${c[0]},${c[1]} handled ${handled.size}`);
          },
        });
        open.push(group);
        group.registerHandler(async (m) => void handled.add(nOf(m.value)));
        return { group, errors };
      };
      const a = member('a');
      await a.group.start();
      await eventually('the first member handled all 10', () => handled.size === 10, 30_000);
      const b = member('b');
      await b.group.start();
      await eventually('both members assigned', () => events.filter((e) => e.includes('assigned')).length === 3, 40_000);
      await eventually('b holds a partition', () => b.group.assignment().length === 1);
      const aGot = a.group.assignment()[0]!.partitions;
      const bGot = b.group.assignment()[0]!.partitions;
      assert.deepEqual([...aGot, ...bGot].sort(), [0, 1]);
      assert.deepEqual(
        events.filter((e) => e.startsWith('a ')),
        ['a assigned [0,1]', 'a revoked [0,1] committed 5,5 handled 10', `a assigned [${aGot.join(',')}]`],
      );
      assert.deepEqual(
        events.filter((e) => e.startsWith('b ')),
        [`b assigned [${bGot.join(',')}]`],
      );
      await b.group.close();
      await eventually('b revoked on close', () => events.includes(`b revoked [${bGot.join(',')}] committed 5,5 handled 10`), 20_000);
      assert.deepEqual([...a.errors, ...b.errors], []);
    },
  );
});
