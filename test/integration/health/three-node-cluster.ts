/**
 * The three-node cluster the health tests need (they stop a node, so they never use the shared
 * broker). Started through the harness' EmbeddedKafka with fast broker failure detection.
 */
import { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { killBrokersOnSignals } from '../../../scripts/kafka/registry.js';

/** Starts three combined KRaft nodes (ids 1..3); `close()` it in an `after` hook. */
export async function startThreeNodeCluster(): Promise<EmbeddedKafka> {
  killBrokersOnSignals();
  return EmbeddedKafka.start({
    nodes: 3,
    listeners: [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' }],
    interBrokerListener: 'PLAINTEXT',
    extraProperties: () => ({
      'broker.heartbeat.interval.ms': '1000',
      'broker.session.timeout.ms': '6000',
      'auto.create.topics.enable': 'false',
    }),
  });
}
