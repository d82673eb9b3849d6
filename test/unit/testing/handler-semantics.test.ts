import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { InMemoryProducer } from '../../../lib/testing/in-memory-producer.js';
import { uniqueName } from '../../support/env.js';
import { handlerSemanticsCases } from './handler-semantics.cases.js';

// One broker for the file: groups with the same name share committed offsets, as on a cluster.
const broker = new InMemoryBroker();

handlerSemanticsCases({
  label: 'in-memory group',
  async freshTopic(prefix, partitions) {
    const topic = uniqueName(`kit-${prefix}`);
    broker.createTopic(topic, partitions);
    return { topic, groupName: uniqueName(`kit-grp-${prefix}`) };
  },
  createGroup: (config) => new InMemoryConsumerGroup({ ...config, broker }),
  async produce(topic, records) {
    // Through the in-memory producer, so its partitioning and acks are exercised too.
    const producer = new InMemoryProducer({ topic, broker });
    await producer.waitUntilInitialised();
    await Promise.all(records.map((r) => producer.sendJSON({ n: r.n }, { partition: r.partition })));
    await producer.close();
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
