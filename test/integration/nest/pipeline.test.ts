import { KafkaModule } from '../../../lib/nest/index.js';
import { committedOffsets, createTopic, produceRaw, uniqueName } from '../../support/env.js';
import { pipelineCases } from '../../unit/nest/pipeline.cases.js';
import { testConnection } from './nest-fixtures.js';

// The same cases as test/unit/nest/pipeline.test.ts, in a Nest app on the real broker.
pipelineCases({
  label: 'Nest app on a broker',
  async freshTopic(prefix, partitions) {
    const topic = uniqueName(`pipe-${prefix}`);
    await createTopic(topic, partitions);
    return topic;
  },
  freshGroupName: (prefix) => uniqueName(`pipe-grp-${prefix}`),
  kafkaModule: (options) => KafkaModule.forRoot({ ...testConnection(), ...options }),
  async produce(topic, records) {
    await produceRaw(
      topic,
      records.map((r) => ({ partition: r.partition, value: JSON.stringify(r.value), headers: r.headers })),
    );
  },
  async committed(groupName, topic) {
    const offsets = [...(await committedOffsets(groupName, topic))].filter(([, offset]) => offset !== '-1');
    return Object.fromEntries(offsets);
  },
  timeoutMs: 30_000,
});
