/**
 * Test-side API of the three-node cluster (topology 2). A test file that needs it starts its own
 * in a `before` hook, even when `KAFKA_ADDR` points at another cluster: it must be able to stop,
 * kill and restart nodes. Node ids are Kafka's `node.id` (1..3), the same ids partition metadata
 * reports as `leader`, so `cluster.killNode(partition.leader)` kills a partition's leader.
 *
 * ```ts
 * let cluster: KafkaTestCluster;
 * before(async () => { cluster = await startCluster(3); });
 * after(async () => { await cluster?.close(); });
 * ```
 */
import { EmbeddedKafka } from '../../scripts/kafka/embedded-kafka.js';
import { startKafkaCluster, type ClusterOptions } from '../../scripts/kafka/cluster.js';
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';

/**
 * A running cluster: `brokers` (bootstrap addresses of every node), `nodes`, `stopNode(id)`
 * (graceful), `killNode(id)` (SIGKILL), `startNode(id)` (same ports and data; resolves once every
 * running node is listed again) and `close()` (kills every node, deletes all data).
 */
export type KafkaTestCluster = EmbeddedKafka;

/** Starts a cluster of `size` (>= 3) nodes and waits until it is ready. */
export async function startCluster(size = 3, options: ClusterOptions = {}): Promise<KafkaTestCluster> {
  killBrokersOnSignals();
  return startKafkaCluster(size, options);
}
