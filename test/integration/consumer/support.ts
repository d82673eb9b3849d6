import type { Producer } from 'kafkajs';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { ConsumerGroupConfig, ConsumerIsolation } from '../../../lib/core/config/consumer.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { committedOffsets, createTopic, rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';

/** A fresh topic with `partitions` partitions and a fresh group name. */
export async function freshTopic(prefix: string, partitions = 1): Promise<{ topic: string; groupName: string }> {
  const topic = uniqueName(`cg-${prefix}`);
  await createTopic(topic, partitions);
  return { topic, groupName: uniqueName(`grp-${prefix}`) };
}

/** A group under test with a silent logger that records its errors. */
export function newGroup(config: Partial<ConsumerGroupConfig> & Pick<ConsumerGroupConfig, 'topic' | 'groupName'>): {
  group: KafkaConsumerGroup;
  errors: KafkaError[];
} {
  const group = new KafkaConsumerGroup({
    brokers: sharedBrokers(),
    logger: silentLogger,
    minRetryPeriod: 100,
    maxRetryPeriod: 1000,
    ...config,
  });
  const errors: KafkaError[] = [];
  group.errors.on((e) => errors.push(e));
  return { group, errors };
}

/**
 * A started group of its own on `topic` with `isolation` that records `read(message)` of every
 * record it handles, in order. The caller closes `group`.
 */
export async function recordingReader<T>(
  topic: string,
  isolation: ConsumerIsolation | undefined,
  read: (message: KafkaMessage) => T,
): Promise<{ group: KafkaConsumerGroup; values: T[] }> {
  const { group } = newGroup({ topic, groupName: uniqueName('reader'), isolation, fetchMaxWaitTime: 100 });
  const values: T[] = [];
  group.registerHandler(async (message) => {
    values.push(read(message));
  });
  await group.waitUntilInitialised();
  await group.start();
  return { group, values };
}

/** Sends `count` JSON messages `{ n }` (n = 0..count-1) spread over partitions by `partitionOf`. */
export async function produce(topic: string, count: number, partitionOf: (n: number) => number = () => 0, start = 0): Promise<void> {
  // Idempotent: on a loaded machine a send can time out and be retried after the broker wrote it;
  // the tests count records by their n, so each must be in the topic once.
  const producer: Producer = rawKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, i) => ({
      partition: partitionOf(start + i),
      value: JSON.stringify({ n: start + i }),
      headers: { 'request-id': `req-${start + i}` },
    }));
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Committed next-offsets of `group` on `topic`, by partition ('-1' = none). */
export async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
  return Object.fromEntries(await committedOffsets(groupId, topic));
}

/** Resolves `state` or fails after `timeoutMs`. */
export async function expectState(group: KafkaConsumerGroup, state: ConsumerState, timeoutMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      group.waitForState(state),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`state ${ConsumerState[state]} not reached in ${timeoutMs} ms (now ${ConsumerState[group.state]})`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `n` of a message produced by {@link produce}. */
export function nOf(value: Buffer | null): number {
  return (JSON.parse(value?.toString('utf8') ?? 'null') as { n: number }).n;
}
