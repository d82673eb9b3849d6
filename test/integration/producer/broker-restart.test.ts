/**
 * A send issued while the only broker is down resolves once the broker is back: the producer sends
 * the failed batch again until `deliveryTimeoutMs`. The same send with `deliveryTimeoutMs: 0`
 * (kafkajs' own retries only, as dp-kafka) rejects when kafkajs gives up. Runs on a broker of its
 * own, since it is stopped during the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProducerSendError } from '../../../lib/core/errors.js';
import { silentLogger, type KafkaLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import type { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { killBrokersOnSignals } from '../../../scripts/kafka/registry.js';
import { startSingleNode } from '../../../scripts/kafka/single.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { readBack } from './read-back.js';

describe('producer: a send outlasts a broker restart (deliveryTimeoutMs)', { timeout: 180_000 }, () => {
  let kafka: EmbeddedKafka;

  before(async () => {
    killBrokersOnSignals();
    kafka = await startSingleNode();
  });
  after(async () => {
    await kafka?.close();
  });

  it('resolves a send issued while the broker is down once it is back; with deliveryTimeoutMs 0 the send rejects', async () => {
    const topic = uniqueName('producer-restart');
    await createTopic(topic, 1, kafka.brokers);
    const retryCauses: string[] = [];
    const logger: KafkaLogger = {
      ...silentLogger,
      warn: (message, data) => {
        if (message.includes('resending a batch')) retryCauses.push(String(data?.cause));
      },
    };
    // With no broker at all, one attempt is kafkajs' connect retries (about 23 s): allow a few.
    const patient = new KafkaProducer({ brokers: kafka.brokers, topic, logger, deliveryTimeoutMs: 120_000 });
    const impatient = new KafkaProducer({ brokers: kafka.brokers, topic, logger: silentLogger, deliveryTimeoutMs: 0 });
    impatient.errors.on(() => undefined); // its failure is asserted on the send below
    try {
      await Promise.all([patient.waitUntilInitialised(), impatient.waitUntilInitialised()]);
      await patient.sendBytes('before');
      await kafka.stopNode(1);

      let settled = false;
      const during = patient.sendBytes('during');
      during.then(
        () => (settled = true),
        () => (settled = true),
      );
      await assert.rejects(impatient.sendBytes('impatient'), ProducerSendError);
      await eventually('the patient batch sent again', () => retryCauses.length >= 1, 60_000);
      assert.equal(settled, false, 'the send waits while the broker is down');
      assert.match(retryCauses[0]!, /ECONNREFUSED|Connection|connect/i);

      await kafka.startNode(1);
      await during;
      const values = (await readBack(topic, 2, kafka.brokers)).map((r) => String(r.value));
      assert.deepEqual(values, ['before', 'during']);
    } finally {
      await Promise.all([patient.close(), impatient.close()]);
    }
  });
});
