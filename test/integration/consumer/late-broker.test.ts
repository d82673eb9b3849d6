import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { ConsumerStateError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { startSingleNode } from '../../../scripts/kafka/single.js';
import type { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { expectState, nOf, waitUntil } from './support.js';
import { Kafka, logLevel } from 'kafkajs';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
});

describe('consumer group without a broker', () => {
  it('is Initialising against an unreachable address, records start, and closes cleanly', async () => {
    const port = await freePort();
    const group = new KafkaConsumerGroup({
      brokers: [`127.0.0.1:${port}`],
      topic: 't',
      groupName: 'g',
      logger: silentLogger,
      connectionTimeout: 200,
      minRetryPeriod: 100,
      maxRetryPeriod: 400,
    });
    assert.equal(group.state, ConsumerState.Initialising);
    await assert.rejects(group.start(), /handler/); // no handler yet: typed error, no throw at construction
    group.registerHandler(async () => {});
    await group.start(); // recorded, not failed
    await group.stop(); // recorded
    await group.start();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(group.state, ConsumerState.Initialising);
    assert.equal(group.isInitialised(), false);
    const waiting = group.waitUntilInitialised();
    await group.close({ timeout: 5_000 });
    assert.equal(group.state, ConsumerState.Closing);
    await assert.rejects(waiting, ConsumerStateError);
    await assert.rejects(group.initialise(), ConsumerStateError);
  });

  it('consumes once a broker starts on its address (start requested before initialisation)', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const topic = uniqueName('cg-late');
    const group = new KafkaConsumerGroup({
      brokers: [`127.0.0.1:${port}`],
      topic,
      groupName: uniqueName('grp-late'),
      logger: silentLogger,
      connectionTimeout: 300,
      minRetryPeriod: 200,
      maxRetryPeriod: 800,
    });
    cleanup.push(() => group.close({ timeout: 10_000 }));
    const values: number[] = [];
    group.registerHandler(async (m) => {
      values.push(nOf(m.value));
    });
    await group.start();
    assert.equal(group.state, ConsumerState.Initialising);

    const kafka: EmbeddedKafka = await startSingleNode({ port });
    cleanup.push(() => kafka.close());
    const brokers = kafka.brokers;
    await createTopic(topic, 1, brokers);
    const producer = new Kafka({ clientId: 'late', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2].map((n) => ({ value: JSON.stringify({ n }) })) });
    await producer.disconnect();

    await expectState(group, ConsumerState.Consuming, 40_000);
    await waitUntil(() => values.length === 3, 30_000, 'three messages');
    assert.deepEqual(values, [0, 1, 2]);
  });
});
