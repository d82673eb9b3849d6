/**
 * Consumer-control cases (pause, resume, seek, rebalance listeners, lag) written once and run
 * twice: against the in-memory consumer group (test/unit/testing) and against the real group on a
 * broker (test/integration/testing), as handler-semantics.cases.ts does for handlers. Both runs
 * must pass: that is what shows the test kit controls a group as the real one does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { AssignedPartitions } from '../../../lib/core/consumer/partition-request.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';
import { suiteGroups } from '../../support/case-runners.js';
import type { SemanticsHarness } from './handler-semantics.cases.js';

/** Settings a case gives its group (the harness adds the connection). */
export type ControlGroupConfig = Omit<ConsumerGroupConfig, 'brokers' | 'topic'> & { readonly topic: string };

/** How a run reaches its group implementation and its "broker". */
export interface ControlHarness extends Omit<SemanticsHarness, 'createGroup'> {
  /** A group under test (not started). */
  createGroup(config: ControlGroupConfig): KafkaConsumerGroup;
}

const show = (ps: readonly AssignedPartitions[]) => ps.map((p) => `[${p.partitions.join(',')}]`).join('');

/** Registers the shared cases under one `describe`. */
export function consumerControlCases(h: ControlHarness): void {
  const tracked = suiteGroups((config: ControlGroupConfig) => h.createGroup(config));
  const newGroup = (config: ControlGroupConfig) => {
    const { group, errors } = tracked(config);
    const handled: string[] = [];
    group.registerHandler(async (m) => void handled.push(`${m.partition}:${m.json<{ n: number }>().n}`));
    return { group, errors, handled };
  };
  const until = (what: string, condition: () => boolean | Promise<boolean>) => waitUntil(what, condition, h.timeoutMs);

  describe(`consumer control (${h.label})`, () => {
    it('a partition paused before start() is not handled while the other goes on; after the resume each record is handled once', async () => {
      const { topic, groupName } = await h.freshTopic('ctl-pause', 2);
      const { group, errors, handled } = newGroup({ topic, groupName });
      await group.pause([{ topic, partitions: [0] }]);
      await group.start();
      await group.waitForState(ConsumerState.Consuming);
      assert.deepEqual(group.pausedPartitions(), [{ topic, partitions: [0] }]);
      assert.equal(group.isPaused(), false, 'not the whole group');
      await h.produce(
        topic,
        [0, 1, 2, 3].map((n) => ({ partition: n % 2, n })),
      );
      await until('partition 1 handled', () => handled.filter((x) => x.startsWith('1:')).length === 2);
      assert.deepEqual(
        handled.filter((x) => x.startsWith('0:')),
        [],
      );
      group.resume([{ topic, partitions: [0] }]);
      await until('everything handled', () => handled.length === 4);
      assert.deepEqual([...handled].sort(), ['0:0', '0:2', '1:1', '1:3']);
      await until('committed', async () => {
        const c = await h.committed(groupName, topic);
        return c[0] === '2' && c[1] === '2';
      });
      assert.deepEqual(errors, []);
    });

    it('seeks back by offset, and a seek before start() applies at the join', async () => {
      const { topic, groupName } = await h.freshTopic('ctl-seek', 1);
      await h.produce(
        topic,
        [0, 1, 2, 3, 4].map((n) => ({ partition: 0, n })),
      );
      const first = newGroup({ topic, groupName });
      await first.group.seek({ topic, partition: 0, offset: 1 });
      await first.group.start();
      await until('from offset 1', () => first.handled.length === 4);
      assert.deepEqual(first.handled, ['0:1', '0:2', '0:3', '0:4']);
      await first.group.seek({ topic, partition: 0, offset: 3 });
      await until('replayed from 3', () => first.handled.length === 6);
      assert.deepEqual(first.handled.slice(4), ['0:3', '0:4']);
      await until('committed 5', async () => (await h.committed(groupName, topic))[0] === '5');
      assert.deepEqual(first.errors, []);
    });

    it('calls onPartitionsAssigned on the join and onPartitionsRevoked after the commit on stop; lag() follows', async () => {
      const { topic, groupName } = await h.freshTopic('ctl-listen', 2);
      const events: string[] = [];
      let handledAtRevoke = -1;
      const created = newGroup({
        topic,
        groupName,
        onPartitionsAssigned: (ps) => void events.push(`assigned ${show(ps)}`),
        onPartitionsRevoked: async (ps) => {
          const c = await h.committed(groupName, topic);
          handledAtRevoke = created.handled.length;
          events.push(`revoked ${show(ps)} committed ${c[0]},${c[1]}`);
        },
      });
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: n % 2, n })),
      );
      assert.equal((await created.group.lag()).total, 3);
      await created.group.start();
      await until('handled', () => created.handled.length === 3);
      await until('lag 0', async () => (await created.group.lag()).total === 0);
      await created.group.stopAndWait();
      assert.deepEqual(events, ['assigned [0,1]', 'revoked [0,1] committed 2,1']);
      assert.equal(handledAtRevoke, 3);
      assert.deepEqual(created.group.assignment(), []);
      assert.deepEqual(created.errors, []);
    });
  });
}
