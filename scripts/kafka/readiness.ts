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
 * Polls until `describeCluster()` lists `expectedNodes` brokers or `deadline` passes.
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
  const kafka = new Kafka({
    clientId: 'kafka-harness-readiness',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    ...options.clientConfig,
  });
  let lastProblem = 'no attempt yet';
  while (Date.now() < options.deadline) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= options.expectedNodes) return;
      lastProblem = `describeCluster() lists ${cluster.brokers.length} of ${options.expectedNodes} brokers`;
    } catch (err) {
      lastProblem = `describeCluster() failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(POLL_MS);
  }
  throw new BrokerStartTimeoutError(0, options.timeoutMs, `all brokers in describeCluster() (${lastProblem})`, options.logTail());
}
