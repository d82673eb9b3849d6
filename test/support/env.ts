import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { installKafkaJsTimerGuard } from '../../lib/core/kafkajs-timer-guard.js';
import { SingleBrokerConnection, type RawMetadata } from '../../lib/core/health/single-broker-connection.js';
import { eventually } from './eventually.js';

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
  return addr
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A name no other test run uses (topics, groups). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A plain kafkajs client for test set-up and cross-checks (not the code under test). */
export function rawKafka(brokers: string[] = sharedBrokers()): Kafka {
  // Like the module's own clients: no Node 24 TimeoutNegativeWarning from kafkajs' idle request queues.
  installKafkaJsTimerGuard();
  return new Kafka({ clientId: 'test-support', brokers, logLevel: logLevel.NOTHING });
}

/** Sends `messages` to `topic` with a plain kafkajs producer (not the code under test), then disconnects. */
export async function produceRaw(topic: string, messages: Message[], brokers: string[] = sharedBrokers()): Promise<void> {
  const producer = rawKafka(brokers).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Creates a topic and waits until every broker's metadata shows a leader for every partition.
 * kafkajs' `waitForLeaders` asks one broker only: on a cluster, a metadata call right after it
 * can reach a broker that does not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION).
 */
export async function createTopic(
  topic: string,
  numPartitions = 1,
  brokers: string[] = sharedBrokers(),
  replicationFactor = 1,
): Promise<void> {
  const admin = rawKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
  await waitForLeadersOnEveryBroker(topic, numPartitions, brokers);
  await waitForLeadersToServe(topic, brokers);
}

/**
 * Waits until the leader of every partition of `topic` answers a ListOffsets request without an
 * error. On Kafka 4 a broker's metadata can name a new partition's leader before that broker
 * serves it: a produce then fails with NOT_LEADER_OR_FOLLOWER (3 of 15 fresh topics on 4.4.0), and
 * kafkajs resends the whole request, so the request's other partitions are written twice. Tests
 * that count or order records start only once the leaders serve.
 */
export async function waitForLeadersToServe(topic: string, brokers: string[] = sharedBrokers(), timeoutMs = 30_000): Promise<void> {
  installKafkaJsTimerGuard();
  const admin = new Kafka({ clientId: 'test-support', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
  try {
    await eventually(
      `every leader of ${topic} to serve it`,
      () =>
        admin.fetchTopicOffsets(topic).then(
          () => true,
          () => false,
        ),
      timeoutMs,
      100,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until each broker (the given addresses and every broker their metadata names) answers
 * a metadata request for `topic` with `numPartitions` partitions, each with a leader and no error.
 */
export async function waitForLeadersOnEveryBroker(
  topic: string,
  numPartitions: number,
  brokers: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const connections = new Map<string, SingleBrokerConnection>();
  const connectionTo = (address: string): SingleBrokerConnection => {
    let connection = connections.get(address);
    if (!connection) {
      const [host = '', port = ''] = address.split(':');
      connection = new SingleBrokerConnection({ host, port: Number(port), clientId: 'test-support', security: {}, timeoutMs: 5_000 });
      connections.set(address, connection);
    }
    return connection;
  };
  const addresses = new Set(brokers);
  const notReady = new Set<string>(brokers);
  const ready = (metadata: RawMetadata): boolean => {
    const entry = metadata.topicMetadata.find((t) => t.topic === topic);
    return (
      entry !== undefined &&
      entry.topicErrorCode === 0 &&
      entry.partitionMetadata.length === numPartitions &&
      entry.partitionMetadata.every((p) => p.partitionErrorCode === 0 && (p.leader ?? -1) >= 0)
    );
  };
  try {
    await eventually(
      () => `every broker to show a leader for the ${numPartitions} partition(s) of ${topic} (not yet: ${[...notReady].join(', ')})`,
      async () => {
        for (const address of [...addresses]) {
          const metadata = await connectionTo(address)
            .fetchMetadata([topic])
            .catch(() => undefined);
          for (const b of metadata?.brokers ?? []) addresses.add(`${b.host}:${b.port}`);
          if (metadata && ready(metadata)) notReady.delete(address);
          else notReady.add(address);
        }
        return notReady.size === 0;
      },
      timeoutMs,
      100,
    );
  } finally {
    await Promise.all([...connections.values()].map((c) => c.close()));
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
