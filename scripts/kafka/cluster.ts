/**
 * Topology 2: several combined KRaft nodes in one cluster (3 by default). Internal topics and
 * new topics get replication factor 3 and min ISR 2, so one node can be stopped, killed and
 * restarted while producers with acks=all keep working. Broker heartbeats and the session timeout
 * are shortened so a SIGKILLed node is fenced (and its leaderships move) within a few seconds.
 * Never stop two of three nodes: the KRaft quorum would be lost.
 */
import { EmbeddedKafka } from './embedded-kafka.js';
import { HarnessUsageError } from './errors.js';
import type { KafkaVersion } from './versions.js';

/** Default number of nodes. */
export const DEFAULT_CLUSTER_SIZE = 3;
/** Broker heartbeat to the controller (Kafka default 2000 ms). */
const BROKER_HEARTBEAT_MS = 500;
/** A broker that misses heartbeats this long is fenced (Kafka default 9000 ms). */
const BROKER_SESSION_TIMEOUT_MS = 3_000;
/** Default time limit for the whole cluster to be ready. */
const CLUSTER_START_TIMEOUT_MS = 150_000;

/** Options of {@link startKafkaCluster}. */
export interface ClusterOptions {
  /** Kafka release; defaults to `KAFKA_VERSION` or DEFAULT_KAFKA_VERSION (4.4.0). */
  readonly version?: KafkaVersion;
  /** Time limit for start-up, and for each restart of one node. */
  readonly startTimeoutMs?: number;
  /** Also append every JVM's output to this file. */
  readonly logFile?: string;
}

/** Starts `size` nodes (at least 3) and waits until all are listed by describeCluster(). */
export function startKafkaCluster(size = DEFAULT_CLUSTER_SIZE, options: ClusterOptions = {}): Promise<EmbeddedKafka> {
  if (!Number.isInteger(size) || size < 3) {
    throw new HarnessUsageError(`a cluster needs at least 3 nodes (replication factor 3, min ISR 2), got ${size}`);
  }
  return EmbeddedKafka.start({
    nodes: size,
    listeners: [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' }],
    interBrokerListener: 'PLAINTEXT',
    version: options.version,
    startTimeoutMs: options.startTimeoutMs ?? CLUSTER_START_TIMEOUT_MS,
    logFile: options.logFile,
    extraProperties: () => ({
      'broker.heartbeat.interval.ms': String(BROKER_HEARTBEAT_MS),
      'broker.session.timeout.ms': String(BROKER_SESSION_TIMEOUT_MS),
    }),
  });
}
