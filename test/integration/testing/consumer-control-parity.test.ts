import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { committedOffsets, createTopic, rawKafka, sharedBrokers, uniqueName } from '../../support/env.js';
import { consumerControlCases } from '../../unit/testing/consumer-control.cases.js';

// The same cases as test/unit/testing/consumer-control-parity.test.ts, on the real group and broker.
consumerControlCases({
  label: 'real group on a broker',
  async freshTopic(prefix, partitions) {
    const topic = uniqueName(`kit-${prefix}`);
    await createTopic(topic, partitions);
    return { topic, groupName: uniqueName(`kit-grp-${prefix}`) };
  },
  createGroup: (config) =>
    new KafkaConsumerGroup({ brokers: sharedBrokers(), logger: silentLogger, minRetryPeriod: 100, maxRetryPeriod: 1_000, ...config }),
  async produce(topic, records) {
    const producer = rawKafka().producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: records.map((r) => ({ partition: r.partition, value: JSON.stringify({ n: r.n }) })) });
    } finally {
      await producer.disconnect();
    }
  },
  async committed(groupName, topic) {
    const offsets = [...(await committedOffsets(groupName, topic))].filter(([, offset]) => offset !== '-1');
    return Object.fromEntries(offsets);
  },
  timeoutMs: 30_000,
});
