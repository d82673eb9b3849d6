/**
 * The failure-policy cases of test/unit/testing/failure-semantics.cases.ts on the real group and
 * broker. A refused dead-letter send is a real broker refusal: the harness broker creates topics
 * on demand (`auto.create.topics.enable=true`), so the dead-letter topic is created beforehand
 * with `max.message.bytes` too small for the record (the broker answers MESSAGE_TOO_LARGE), and
 * the cause is fixed by raising it.
 */
import kafkajs from 'kafkajs';
import { KafkaMessage } from '../../../lib/core/message.js';
import { onTheBroker } from '../../support/case-runners.js';
import { produceRaw, rawKafka, sharedBrokers, waitForLeadersOnEveryBroker } from '../../support/env.js';
import { failureSemanticsCases } from '../../unit/testing/failure-semantics.cases.js';
import { readBack } from '../producer/read-back.js';

const { ConfigResourceTypes } = kafkajs;

async function withAdmin<T>(work: (admin: kafkajs.Admin) => Promise<T>): Promise<T> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

failureSemanticsCases({
  ...onTheBroker('fail'),
  async produce(topic, records) {
    await produceRaw(
      topic,
      records.map((r) => ({ partition: r.partition, key: r.key, value: r.value, headers: r.headers ?? {} })),
    );
  },
  async read(topic, count) {
    const records = await readBack(topic, count);
    return records
      .slice(0, count)
      .map((r) => new KafkaMessage({ topic, partition: r.partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers }));
  },
  count: (topic) =>
    withAdmin(async (admin) => {
      if (!(await admin.listTopics()).includes(topic)) return 0;
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    }),
  async refuseSendsTo(_group, topic) {
    await withAdmin((admin) =>
      admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '64' }] }],
      }),
    );
    await waitForLeadersOnEveryBroker(topic, 1, sharedBrokers());
    return () =>
      withAdmin(async (admin) => {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] }],
        });
      });
  },
});
