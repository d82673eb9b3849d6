import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ConsumerGroupCtor = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: object };
const SeekOffsetsCtor = require('kafkajs/src/consumer/seekOffsets.js') as new () => unknown;

/** What {@link kafkaJsGroupOver} needs: kafkajs' own subscription state and offset manager, and a scripted broker. */
export interface KafkaJsGroupParts {
  readonly broker: { fetch(request: never): Promise<unknown> };
  readonly subscriptionState: unknown;
  readonly offsetManager: unknown;
  /** The node every partition is fetched from. */
  readonly nodeId: number;
}

/**
 * kafkajs 2.2.4's real `ConsumerGroup` (its prototype, so `fetch` and its error recovery are
 * kafkajs' code) with only the fields `fetch` reads, over a scripted broker: for guard tests.
 */
export function kafkaJsGroupOver<T>(parts: KafkaJsGroupParts): T {
  const group = Object.create(ConsumerGroupCtor.prototype) as Record<string, unknown>;
  Object.assign(group, {
    cluster: { refreshMetadataIfNecessary: async () => {}, findBroker: async () => parts.broker },
    subscriptionState: parts.subscriptionState,
    offsetManager: parts.offsetManager,
    seekOffset: new SeekOffsetsCtor(),
    preferredReadReplicasPerTopicPartition: {},
    findReadReplicaForPartitions: (_topic: string, partitions: number[]) => ({ [parts.nodeId]: partitions }),
    maxWaitTime: 1,
    minBytes: 1,
    maxBytes: 1024,
    maxBytesPerPartition: 1024,
    isolationLevel: 1,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  return group as T;
}
