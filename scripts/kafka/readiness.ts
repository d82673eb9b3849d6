/**
 * Second readiness check, after the log line: a kafkajs admin must see every node in
 * `describeCluster()`. This proves the client listener accepts connections and metadata is
 * complete (all brokers registered and unfenced).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { BrokerStartTimeoutError } from './errors.js';

/** Pause between describeCluster attempts. */
const POLL_MS = 250;

/**
 * Polls until EVERY broker, asked on its own, lists `expectedNodes` brokers in
 * `describeCluster()`, or `deadline` passes. Each broker has its own metadata cache, so one
 * answer is not enough after a restart: another node may still miss the restarted one.
 * `clientConfig` supplies TLS/SASL for secured listeners.
 */
export async function waitForCluster(options: {
  brokers: readonly string[];
  expectedNodes: number;
  deadline: number;
  timeoutMs: number;
  clientConfig?: Partial<KafkaConfig>;
  logTail: () => string;
}): Promise<void> {
  const clients = options.brokers.map(
    (broker) =>
      new Kafka({
        clientId: 'kafka-harness-readiness',
        brokers: [broker],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 3_000,
        requestTimeout: 5_000,
        retry: { retries: 0 },
        ...options.clientConfig,
      }),
  );
  let lastProblem = 'no attempt yet';
  while (Date.now() < options.deadline) {
    const problems = (
      await Promise.all(clients.map((kafka, i) => brokerProblem(kafka, options.brokers[i]!, options.expectedNodes)))
    ).filter((p): p is string => p !== undefined);
    if (problems.length === 0) return;
    lastProblem = problems.join('; ');
    await sleep(POLL_MS);
  }
  throw new BrokerStartTimeoutError(0, options.timeoutMs, `all brokers in describeCluster() (${lastProblem})`, options.logTail());
}

/** Why one broker is not ready yet, or undefined when it lists every node. */
async function brokerProblem(kafka: Kafka, broker: string, expectedNodes: number): Promise<string | undefined> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= expectedNodes ? undefined : `${broker} lists ${cluster.brokers.length} of ${expectedNodes} brokers`;
  } catch (err) {
    return `${broker}: describeCluster() failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
