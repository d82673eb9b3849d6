import type { ConsumerGroupConfig } from '../core/config/consumer.js';
import type { ProducerConfig } from '../core/config/producer.js';
import type { KafkaClientFactory } from '../core/client-factory.js';
import { InMemoryBroker, type InMemoryBrokerOptions } from './in-memory-broker.js';
import { DEFAULT_TEST_WAIT_TIMEOUT } from './in-memory-config.js';
import { InMemoryConsumerGroup } from './in-memory-consumer-group.js';
import { InMemoryProducer } from './in-memory-producer.js';

/**
 * Builds in-memory producers and consumer groups that share one {@link InMemoryBroker}, so what
 * a producer sends reaches the groups reading its topic. It has the shape of the Nest module's
 * client factory: `KafkaTestingModule` (or overriding `KAFKA_CLIENT_FACTORY` with it) makes a
 * whole app run on it. Configs are used as given (brokers are never dialled).
 */
export class InMemoryKafka implements KafkaClientFactory {
  /** The broker every client of this instance shares. */
  readonly broker: InMemoryBroker;
  private readonly producerList: InMemoryProducer[] = [];
  private readonly groupList: InMemoryConsumerGroup[] = [];

  constructor(options: InMemoryBrokerOptions = {}) {
    this.broker = new InMemoryBroker(options);
  }

  /** A producer on the shared broker. */
  createProducer(config: ProducerConfig): InMemoryProducer {
    const producer = new InMemoryProducer({ ...config, broker: this.broker });
    this.producerList.push(producer);
    return producer;
  }

  /** A consumer group on the shared broker. */
  createConsumerGroup(config: ConsumerGroupConfig): InMemoryConsumerGroup {
    const group = new InMemoryConsumerGroup({ ...config, broker: this.broker });
    this.groupList.push(group);
    return group;
  }

  /** Every producer created so far. */
  get producers(): readonly InMemoryProducer[] {
    return this.producerList;
  }

  /** Every consumer group created so far. */
  get groups(): readonly InMemoryConsumerGroup[] {
    return this.groupList;
  }

  /**
   * Resolves once every running group handled every record, including records that handlers sent
   * on to other groups' topics meanwhile. Stopped or closed groups are not waited for. Rejects
   * with KafkaTimeoutError after `timeoutMs`.
   */
  async waitForIdle(timeoutMs: number = DEFAULT_TEST_WAIT_TIMEOUT): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const before = this.recordCount();
      const running = this.groupList.filter((g) => g.isStarted());
      await Promise.all(running.map((g) => g.waitForIdle(Math.max(1, deadline - Date.now()))));
      if (this.recordCount() === before) return;
    }
  }

  private recordCount(): number {
    return this.broker.topics().reduce((sum, topic) => sum + this.broker.messages(topic).length, 0);
  }
}
