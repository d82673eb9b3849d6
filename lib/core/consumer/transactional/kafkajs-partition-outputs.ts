import { createKafkaClient } from '../../client.js';
import type { ResolvedConsumerGroupConfig } from '../../config/consumer.js';
import { KafkaProducer } from '../../producer/kafka-producer.js';
import { KafkaJsOffsetReader } from '../kafkajs-offset-reader.js';
import type { PartitionOutputs, TransactionalOutputConfig } from './partition-output.js';

/** Per-partition producers are `KafkaProducer`s; committed offsets are read with an admin client on the group's brokers. */
export function kafkaJsPartitionOutputs(output: TransactionalOutputConfig, group: ResolvedConsumerGroupConfig): PartitionOutputs {
  let reader: KafkaJsOffsetReader | undefined;
  const offsets = () => (reader ??= new KafkaJsOffsetReader(createKafkaClient(group, group.logger)));
  return {
    create: (transactionalId) =>
      new KafkaProducer({ logger: group.logger, ...output, brokers: output.brokers ?? [...group.brokers], transactionalId }),
    async committed(topic, partition) {
      const topics = await offsets().fetchOffsets(group.groupName, [topic]);
      const found = topics.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition);
      return found === undefined || found.offset === '-1' ? undefined : found.offset;
    },
    close: () => reader?.close() ?? Promise.resolve(),
  };
}
