import type { PartitionOutputs, TransactionalOutputConfig } from '../core/consumer/transactional/partition-output.js';
import type { InMemoryBroker } from './in-memory-broker.js';
import { InMemoryProducer } from './in-memory-producer.js';

/**
 * The consume-transform-produce mode over the in-memory broker: per-partition in-memory
 * transactional producers, and the group's committed offsets as the broker holds them.
 */
export function inMemoryPartitionOutputs(broker: InMemoryBroker, groupName: string, output: TransactionalOutputConfig): PartitionOutputs {
  return {
    create: (transactionalId) => new InMemoryProducer({ ...output, transactionalId, broker }),
    committed: (topic, partition) => Promise.resolve(broker.committed(groupName, topic, partition)),
    close: () => Promise.resolve(),
  };
}
