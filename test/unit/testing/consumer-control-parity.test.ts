import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { uniqueName } from '../../support/env.js';
import { consumerControlCases } from './consumer-control.cases.js';

// One broker for the file: groups with the same name share committed offsets, as on a cluster.
const broker = new InMemoryBroker();

consumerControlCases({
  label: 'in-memory group',
  async freshTopic(prefix, partitions) {
    const topic = uniqueName(`kit-${prefix}`);
    broker.createTopic(topic, partitions);
    return { topic, groupName: uniqueName(`kit-grp-${prefix}`) };
  },
  createGroup: (config) => new InMemoryConsumerGroup({ ...config, broker }),
  async produce(topic, records) {
    for (const r of records)
      broker.append(
        topic,
        { value: Buffer.from(JSON.stringify({ n: r.n })), key: null, headers: {}, timestamp: String(Date.now()) },
        r.partition,
      );
  },
  async committed(groupName, topic) {
    const out: Record<number, string> = {};
    for (let p = 0; p < broker.partitionCount(topic); p++) {
      const offset = broker.committed(groupName, topic, p);
      if (offset !== undefined) out[p] = offset;
    }
    return out;
  },
  timeoutMs: 5_000,
});
