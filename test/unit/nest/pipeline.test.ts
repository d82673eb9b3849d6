import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';
import { uniqueName } from '../../support/env.js';
import { pipelineCases } from './pipeline.cases.js';

// The same cases as test/integration/nest/pipeline.test.ts, on the test kit: a spec with
// KafkaTestingModule sees guards, interceptors, pipes and filters work.
const kafka = new InMemoryKafka();

pipelineCases({
  label: 'KafkaTestingModule',
  async freshTopic(prefix, partitions) {
    const topic = uniqueName(`pipe-${prefix}`);
    kafka.broker.createTopic(topic, partitions);
    return topic;
  },
  freshGroupName: (prefix) => uniqueName(`pipe-grp-${prefix}`),
  kafkaModule: (options) => KafkaTestingModule.forRoot({ ...options, kafka }),
  async produce(topic, records) {
    const producer = kafka.createProducer({ topic, brokers: ['in-memory:9092'] });
    await producer.waitUntilInitialised();
    for (const r of records) await producer.sendJSON(r.value, { partition: r.partition, headers: r.headers });
    await producer.close();
  },
  async committed(groupName, topic) {
    const out: Record<number, string> = {};
    for (let p = 0; p < kafka.broker.partitionCount(topic); p++) {
      const offset = kafka.broker.committed(groupName, topic, p);
      if (offset !== undefined) out[p] = offset;
    }
    return out;
  },
  timeoutMs: 5_000,
});
