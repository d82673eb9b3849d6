import { eventually } from '../../support/eventually.js';
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
import { expectState, nOf } from './support.js';
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

  it('consumes once a broker starts on its address (start requested before initialisation)', { timeout: 150_000 }, async () => {
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
    await eventually('three messages', () => values.length === 3, 30_000);
    assert.deepEqual(values, [0, 1, 2]);

    // The broker crashes: the group reports Starting (backing off, never spinning) and resumes
    // from its committed position once the broker is back.
    const states: ConsumerState[] = [];
    group.onStateChange((s) => states.push(s));
    const admin = new Kafka({ clientId: 'late-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await eventually(
      'offsets committed (grouped commits, within commitInterval)',
      async () => (await admin.fetchOffsets({ groupId: group.groupName, topics: [topic] }))[0]?.partitions[0]?.offset === '3',
      10_000,
    );
    await admin.disconnect();
    const nodeId = kafka.nodes[0]!.nodeId;
    await kafka.killNode(nodeId);
    await expectState(group, ConsumerState.Starting, 40_000);
    await kafka.startNode(nodeId);
    await expectState(group, ConsumerState.Consuming, 60_000);
    const again = new Kafka({ clientId: 'late2', brokers, logLevel: logLevel.NOTHING }).producer();
    await again.connect();
    await again.send({ topic, messages: [{ value: JSON.stringify({ n: 3 }) }] });
    await again.disconnect();
    await eventually('the message sent after the restart', () => values.includes(3), 30_000);
    assert.deepEqual(values, [0, 1, 2, 3], 'nothing lost, nothing redelivered (offsets were committed before the crash)');
    assert.ok(
      states.every((s) => s === ConsumerState.Starting || s === ConsumerState.Consuming),
      `unexpected states ${states.join()}`,
    );
  });
});
