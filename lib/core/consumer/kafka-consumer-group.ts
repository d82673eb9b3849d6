import type { Kafka } from 'kafkajs';
import { resolveConsumerGroupConfig, type ConsumerGroupConfig } from '../config/consumer.js';
import { ConsumerGroupCore } from './consumer-group-core.js';
import { KafkaJsConsumerTransport } from './kafkajs-transport.js';

export type { MessageHandler } from './message-dispatcher.js';
export type { BatchHandler } from './batch-dispatcher.js';
export { DoNotCommitError, shouldCommit } from './commit-rule.js';

/**
 * A Kafka consumer group with dp-kafka's guarantees, over kafkajs: it never fails on a missing
 * broker (it initialises in the background), has an explicit state machine, runs a single
 * handler on a worker pool or a batch handler, commits at-least-once and drains on stop/close.
 *
 * @example
 * const group = new KafkaConsumerGroup({ brokers: ['localhost:9092'], topic: 'orders', groupName: 'billing' });
 * group.registerHandler(async (message) => handle(message.decode(schema)));
 * group.logErrors();
 * await group.start();
 */
export class KafkaConsumerGroup extends ConsumerGroupCore {
  /** Validates `config` (throws one KafkaConfigError naming every bad field); never touches the network synchronously. */
  constructor(config: ConsumerGroupConfig) {
    const resolved = resolveConsumerGroupConfig(config);
    super(resolved, new KafkaJsConsumerTransport(resolved, resolved.logger), resolved.logger);
  }

  /** The underlying kafkajs client (for health probes and admin work). */
  get kafkaClient(): Kafka {
    return (this.transport as KafkaJsConsumerTransport).client;
  }
}
