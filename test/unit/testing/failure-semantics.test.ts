import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { inMemory } from '../../support/case-runners.js';
import { failureSemanticsCases } from './failure-semantics.cases.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';

// One broker for the file: dead-letter topics land on it, where the cases read them.
const broker = new InMemoryBroker();

failureSemanticsCases({
  ...inMemory(broker, 'kit'),
  async produce(topic, records) {
    for (const r of records) {
      const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
      broker.append(topic, { key: Buffer.from(r.key), value: r.value, headers, timestamp: String(Date.now()) }, r.partition);
    }
  },
  async read(topic, count) {
    await waitUntil(`${count} records on ${topic}`, () => broker.topics().includes(topic) && broker.messages(topic).length >= count, 5_000);
    return broker.messages(topic).slice(0, count);
  },
  async count(topic) {
    return broker.topics().includes(topic) ? broker.messages(topic).length : 0;
  },
  async refuseSendsTo(group) {
    const kit = group as InMemoryConsumerGroup;
    kit.refuseForwards(true);
    return async () => kit.refuseForwards(false);
  },
});
