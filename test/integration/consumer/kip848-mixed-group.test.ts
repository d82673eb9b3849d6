/**
 * KIP-848 (the consumer group protocol, GA in Kafka 4.0): kafkajs speaks only the classic
 * protocol, but a Kafka 4 broker lets a classic member and a `group.protocol=consumer` member
 * share one group (the coordinator upgrades the group and assigns for both). This proves a member
 * of this module works in such a group beside Kafka's Java console consumer: every record is
 * handled exactly once across the two. On Kafka 3.x the test is skipped: those brokers have no
 * GA consumer protocol to mix with.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { kafkaVersionFromEnv } from '../../../scripts/kafka/versions.js';
import { startConsoleConsumer, type ConsoleConsumer } from '../../support/console-consumer.js';
import { sharedBrokers } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { expectState, freshTopic, newGroup, nOf, produce } from './support.js';

const PARTITIONS = 6;
const TOTAL = 1000;
const version = kafkaVersionFromEnv();
const skip = version.major < 4 ? `Kafka ${version.text}: the consumer group protocol (KIP-848) is GA from Kafka 4.0 only` : false;

const groups: KafkaConsumerGroup[] = [];
const javaMembers: ConsoleConsumer[] = [];
after(async () => {
  await Promise.all([...groups.map((g) => g.close({ timeout: 15_000 })), ...javaMembers.map((j) => j.stop())]);
});

describe('KIP-848 mixed group (real broker)', { skip }, () => {
  it(
    'a member of this module and a Java group.protocol=consumer member share a group: every record handled once',
    { timeout: 150_000 },
    async () => {
      const { topic, groupName } = await freshTopic('kip848', PARTITIONS);
      const ours: number[] = [];
      const { group, errors } = newGroup({ topic, groupName, numWorkers: 2 });
      groups.push(group);
      group.registerHandler(async (message) => {
        ours.push(nOf(message.value));
      });
      await group.start();
      await expectState(group, ConsumerState.Consuming, 30_000);
      const partitionsOf = () => group.assignment().reduce((sum, a) => sum + a.partitions.length, 0);
      await eventually('our member holds every partition alone', () => partitionsOf() === PARTITIONS, 30_000);

      const java = await startConsoleConsumer({
        brokers: sharedBrokers(),
        topic,
        group: groupName,
        consumerProperties: { 'group.protocol': 'consumer' },
      });
      javaMembers.push(java);
      // The coordinator moves partitions to the new member: ours gives some up (and commits first).
      await eventually(
        () => `the Java member taking partitions (ours holds ${partitionsOf()}; java stderr: ${java.stderr().slice(-500)})`,
        () => partitionsOf() > 0 && partitionsOf() < PARTITIONS && group.state === ConsumerState.Consuming,
        60_000,
        200,
      );
      assert.equal(java.exited(), false, `the Java consumer exited: ${java.stderr()}`);

      await produce(topic, TOTAL, (n) => n % PARTITIONS);
      // The records are JSON values; other lines are the tool's notices.
      const theirs = () => java.lines.filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { n: number }).n);
      await eventually(
        () => `${TOTAL} records handled (ours ${ours.length}, java ${theirs().length})`,
        () => ours.length + theirs().length >= TOTAL,
        60_000,
        200,
      );
      // Late duplicates would arrive after the count is reached: give them a moment to show.
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const all = [...ours, ...theirs()];
      const counts = new Map<number, number>();
      for (const n of all) counts.set(n, (counts.get(n) ?? 0) + 1);
      const duplicates = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
      const missing = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => !counts.has(n));
      assert.deepEqual(duplicates, [], 'no record handled twice');
      assert.deepEqual(missing, [], 'no record lost');
      assert.ok(ours.length > 0 && theirs().length > 0, `both members handled records (ours ${ours.length}, java ${theirs().length})`);
      assert.deepEqual(
        errors.map((e) => `${e.name}: ${e.message}`),
        [],
      );
    },
  );
});
