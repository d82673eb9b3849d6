import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Brokers of the cluster integration tests use: `KAFKA_ADDR` (comma-separated), which the test
 * runner sets after starting the embedded broker, or the user sets to use their own cluster.
 * Missing is an error, never a skip: an integration test must talk to a real broker.
 */
export function sharedBrokers(): string[] {
  const addr = process.env.KAFKA_ADDR;
  if (!addr) {
    throw new Error('KAFKA_ADDR is not set: run the tests with `npm test` (it starts a broker) or set KAFKA_ADDR');
  }
  return addr.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A name no other test run uses (topics, groups). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A plain kafkajs client for test set-up and cross-checks (not the code under test). */
export function rawKafka(brokers: string[] = sharedBrokers()): Kafka {
  return new Kafka({ clientId: 'test-support', brokers, logLevel: logLevel.NOTHING });
}

/** Creates a topic and waits until it has leaders. */
export async function createTopic(
  topic: string,
  numPartitions = 1,
  brokers: string[] = sharedBrokers(),
  replicationFactor = 1,
): Promise<void> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Committed next-offsets of `groupId` on `topic`, by partition ('-1' = none), read with raw kafkajs. */
export async function committedOffsets(groupId: string, topic: string, brokers: string[] = sharedBrokers()): Promise<Map<number, string>> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}
