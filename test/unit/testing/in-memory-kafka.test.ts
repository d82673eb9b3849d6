import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KafkaTimeoutError } from '../../../lib/core/errors.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';

const kafka = new InMemoryKafka({ defaultPartitions: 2 });
after(async () => {
  await Promise.all([...kafka.groups.map((g) => g.close()), ...kafka.producers.map((p) => p.close())]);
});

describe('InMemoryKafka', () => {
  it('connects producers to the groups reading their topic, and waits for chains of handlers', async () => {
    const brokers = ['ignored:9092'];
    const orders = kafka.createProducer({ brokers, topic: 'orders' });
    const audit = kafka.createProducer({ brokers, topic: 'audit' });
    const ordersGroup = kafka.createConsumerGroup({ brokers, topic: 'orders', groupName: 'billing', numWorkers: 2 });
    const auditGroup = kafka.createConsumerGroup({ brokers, topic: 'audit', groupName: 'auditor', batchSize: 3, batchWaitTime: 30 });
    const audited: unknown[] = [];
    ordersGroup.registerHandler(async (message) => {
      await new Promise((r) => setTimeout(r, 5));
      await audit.sendJSON({ seen: message.json<{ id: number }>().id });
    });
    auditGroup.registerBatchHandler(async (messages) => {
      audited.push(...messages.map((m) => m.json()));
    });
    await Promise.all([ordersGroup.start(), auditGroup.start(), orders.waitUntilInitialised(), audit.waitUntilInitialised()]);
    await Promise.all([1, 2, 3, 4].map((id) => orders.sendJSON({ id }, { key: String(id) })));
    await kafka.waitForIdle();
    assert.deepEqual(
      audited.map((a) => (a as { seen: number }).seen).sort(),
      [1, 2, 3, 4],
      'the audit records the orders handler sent were handled before waitForIdle resolved',
    );
    assert.equal(kafka.producers.length, 2);
    assert.equal(kafka.groups.length, 2);
    assert.equal(kafka.broker.messages('audit').length, 4);
  });

  it('waitForIdle gives up with a KafkaTimeoutError while a handler hangs', async () => {
    const group = kafka.createConsumerGroup({ brokers: ['x:1'], topic: 'stuck', groupName: 'stuck' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    group.registerHandler(() => gate);
    await group.start();
    group.queueJSON(1);
    await assert.rejects(kafka.waitForIdle(50), KafkaTimeoutError);
    release();
    await kafka.waitForIdle();
  });
});
