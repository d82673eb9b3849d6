/**
 * The two runners of a shared case set ("one set of cases, two runners": handler semantics,
 * consumer control, failure policies): real groups on the test broker, or in-memory groups on one
 * `InMemoryBroker`. Each suite adds how it produces and reads its own records.
 */
import { after } from 'node:test';
import type { ConsumerGroupConfig } from '../../lib/core/config/consumer.js';
import { KafkaConsumerGroup } from '../../lib/core/consumer/kafka-consumer-group.js';
import type { KafkaError } from '../../lib/core/errors.js';
import { silentLogger } from '../../lib/core/logger.js';
import type { InMemoryBroker } from '../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../lib/testing/in-memory-consumer-group.js';
import { committedOffsets, createTopic, produceRaw, sharedBrokers, uniqueName } from './env.js';

/** A group's settings as the cases give them (the runner adds where the brokers are). */
export type CaseGroupSettings = Omit<ConsumerGroupConfig, 'brokers'>;

/** Fresh topics, real groups and committed offsets on the test broker; names start with `prefix`. */
export function onTheBroker(prefix: string) {
  return {
    label: 'real group on a broker',
    async freshTopic(name: string, partitions: number): Promise<{ topic: string; groupName: string }> {
      const topic = uniqueName(`${prefix}-${name}`);
      await createTopic(topic, partitions);
      return { topic, groupName: uniqueName(`${prefix}-grp-${name}`) };
    },
    createGroup: (config: CaseGroupSettings): KafkaConsumerGroup =>
      new KafkaConsumerGroup({ brokers: sharedBrokers(), logger: silentLogger, minRetryPeriod: 100, maxRetryPeriod: 1_000, ...config }),
    async committed(groupName: string, topic: string): Promise<Record<number, string>> {
      const offsets = [...(await committedOffsets(groupName, topic))].filter(([, offset]) => offset !== '-1');
      return Object.fromEntries(offsets);
    },
    timeoutMs: 30_000,
  };
}

/** Sends `{ "n": n }` JSON records to their partitions with a plain kafkajs producer. */
export async function produceNumbered(
  topic: string,
  records: ReadonlyArray<{ readonly partition: number; readonly n: number }>,
): Promise<void> {
  await produceRaw(
    topic,
    records.map((r) => ({ partition: r.partition, value: JSON.stringify({ n: r.n }) })),
  );
}

/** Fresh topics, in-memory groups and committed offsets on `broker`; names start with `prefix`. */
export function inMemory(broker: InMemoryBroker, prefix: string) {
  return {
    label: 'in-memory group',
    async freshTopic(name: string, partitions: number): Promise<{ topic: string; groupName: string }> {
      const topic = uniqueName(`${prefix}-${name}`);
      broker.createTopic(topic, partitions);
      return { topic, groupName: uniqueName(`${prefix}-grp-${name}`) };
    },
    createGroup: (config: CaseGroupSettings): KafkaConsumerGroup => new InMemoryConsumerGroup({ ...config, broker }),
    async committed(groupName: string, topic: string): Promise<Record<number, string>> {
      const out: Record<number, string> = {};
      for (let p = 0; p < broker.partitionCount(topic); p++) {
        const offset = broker.committed(groupName, topic, p);
        if (offset !== undefined) out[p] = offset;
      }
      return out;
    },
    timeoutMs: 5_000,
  };
}

/**
 * Groups for a case set: each built with `create`, its errors collected (so none is logged), and
 * every one closed after the suite. Call at the top of the function that registers the cases.
 */
export function suiteGroups<C>(
  create: (config: C) => KafkaConsumerGroup,
): (config: C) => { group: KafkaConsumerGroup; errors: KafkaError[] } {
  const open: KafkaConsumerGroup[] = [];
  after(async () => {
    await Promise.all(open.map((g) => g.close({ timeout: 10_000 })));
  });
  return (config) => {
    const group = create(config);
    open.push(group);
    const errors: KafkaError[] = [];
    group.errors.on((e) => errors.push(e));
    return { group, errors };
  };
}
