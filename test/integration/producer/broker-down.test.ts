import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { freePort } from '../../../scripts/kafka/ports.js';
import { startSingleNode } from '../../../scripts/kafka/single.js';
import { type KafkaError, ProducerClosedError, ProducerNotInitialisedError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { readBack } from './read-back.js';

/**
 * A producer created while its broker is down. This test starts a broker of its own (on a port
 * chosen before the producer exists), so it ignores KAFKA_ADDR.
 */
describe('producer created while the broker is down', () => {
  let broker: EmbeddedKafka | undefined;
  let producer: KafkaProducer | undefined;

  after(async () => {
    await producer?.close();
    // A throwaway node: a graceful controlled shutdown would only add seconds.
    await broker?.close({ graceful: false });
  });

  it('starts uninitialised, fails sends with the typed error, then initialises by itself and delivers', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const topic = uniqueName('producer-late-broker');
    producer = new KafkaProducer({
      brokers: [address],
      topic,
      logger: silentLogger,
      minRetryPeriod: 200,
      maxRetryPeriod: 2_000,
      connectionTimeout: 1_000,
    });
    const emitted: KafkaError[] = [];
    producer.errors.on((e) => emitted.push(e));
    let initialisedAt: number | undefined;
    void producer.waitUntilInitialised().then(() => (initialisedAt = Date.now()));

    await sleep(500);
    assert.equal(producer.isInitialised(), false);
    await assert.rejects(producer.sendJSON({ early: true }), ProducerNotInitialisedError);
    void producer.sendBytes('fire and forget while down');
    await sleep(10);
    assert.equal(emitted.filter((e) => e instanceof ProducerNotInitialisedError).length, 2, 'no send vanishes silently');

    broker = await startSingleNode({ port });
    assert.deepEqual(broker.brokers, [address]);
    await createTopic(topic, 1, broker.brokers);
    const deadline = new AbortController();
    try {
      await Promise.race([
        producer.waitUntilInitialised(),
        sleep(40_000, undefined, { signal: deadline.signal }).then(() => assert.fail('not initialised 40 s after the broker started')),
      ]);
    } finally {
      deadline.abort(); // the pending sleep must not keep the process alive
    }
    assert.ok(initialisedAt !== undefined && producer.isInitialised());

    await producer.sendJSON({ late: true });
    const records = await readBack(topic, 1, broker.brokers);
    assert.deepEqual(
      records.map((r) => JSON.parse(r.value!.toString()) as unknown),
      [{ late: true }],
      'only the record sent after initialisation',
    );
  });

  it('closes at once while still uninitialised: the initialised signal and initialise() reject', async () => {
    const port = await freePort();
    const idle = new KafkaProducer({ brokers: [`127.0.0.1:${port}`], topic: uniqueName('producer-never'), logger: silentLogger });
    const signal = idle.waitUntilInitialised();
    await sleep(300);
    const started = Date.now();
    await idle.close();
    assert.ok(Date.now() - started < 2_000, 'no kafkajs connect retries to wait for');
    await assert.rejects(signal, ProducerClosedError);
    await assert.rejects(idle.initialise(), ProducerClosedError);
    await assert.rejects(idle.sendBytes('x'), ProducerClosedError);
  });
});
