import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTopic, rawKafka, uniqueName } from '../../support/env.js';
import { startSingleBroker, type TestBroker } from '../../support/broker.js';

describe('harness: single node', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startSingleBroker();
  });
  after(async () => {
    await broker?.close();
  });

  it('round-trips a message through a real broker with kafkajs', async () => {
    const topic = uniqueName('harness-single');
    await createTopic(topic, 1, broker.brokers);
    const kafka = rawKafka(broker.brokers);
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('harness-single-group') });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'hello kafka' }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({ key: String(message.key), value: String(message.value) });
          },
        });
      });
      assert.deepEqual(received, { key: 'k1', value: 'hello kafka' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  it('lists the broker in describeCluster()', async () => {
    const admin = rawKafka(broker.brokers).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.ok(cluster.brokers.length >= 1);
      assert.ok(broker.brokers.some((b) => cluster.brokers.some((c) => `${c.host}:${c.port}` === b)));
    } finally {
      await admin.disconnect();
    }
  });
});
