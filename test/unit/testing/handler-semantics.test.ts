import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryProducer } from '../../../lib/testing/in-memory-producer.js';
import { inMemory } from '../../support/case-runners.js';
import { handlerSemanticsCases } from './handler-semantics.cases.js';

// One broker for the file: groups with the same name share committed offsets, as on a cluster.
const broker = new InMemoryBroker();

handlerSemanticsCases({
  ...inMemory(broker, 'kit'),
  async produce(topic, records) {
    // Through the in-memory producer, so its partitioning and acks are exercised too.
    const producer = new InMemoryProducer({ topic, broker });
    await producer.waitUntilInitialised();
    await Promise.all(records.map((r) => producer.sendJSON({ n: r.n }, { partition: r.partition })));
    await producer.close();
  },
});
