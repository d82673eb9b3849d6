import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { inMemory } from '../../support/case-runners.js';
import { consumerControlCases } from './consumer-control.cases.js';

// One broker for the file: groups with the same name share committed offsets, as on a cluster.
const broker = new InMemoryBroker();

consumerControlCases({
  ...inMemory(broker, 'kit'),
  async produce(topic, records) {
    for (const r of records)
      broker.append(
        topic,
        { value: Buffer.from(JSON.stringify({ n: r.n })), key: null, headers: {}, timestamp: String(Date.now()) },
        r.partition,
      );
  },
});
