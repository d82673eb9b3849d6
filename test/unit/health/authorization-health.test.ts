import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataSource } from '../../../lib/core/health/broker-probe.js';
import { KafkaHealthChecker } from '../../../lib/core/health/health-checker.js';
import { KafkaAuthorizationError } from '../../../lib/core/errors.js';

describe('KafkaHealthChecker with an authorization refusal', () => {
  it('is CRITICAL with the refusal message while it is current, then probes again once cleared', async () => {
    let refusal: KafkaAuthorizationError | undefined = new KafkaAuthorizationError(
      'failed to send to topic orders: not authorized on the topic',
      {},
    );
    let probes = 0;
    const connectTo = (): MetadataSource => ({
      async fetchMetadata(topics) {
        probes++;
        return {
          brokers: [],
          topicMetadata: [{ topic: topics[0]!, topicErrorCode: 0, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0 }] }],
        };
      },
      async close() {},
    });
    const checker = new KafkaHealthChecker(
      {
        subject: 'consumer-group',
        connection: { brokers: ['a:1'] },
        topics: ['orders'],
        minBrokersHealthy: 1,
        isInitialised: () => false, // a refusal wins over "not initialised" (e.g. a refused TLS handshake)
        consumerGroup: { groupName: 'billing', state: () => 'Starting' },
        authorizationFailure: () => refusal,
      },
      { includeLag: false },
      connectTo,
    );
    const refused = await checker.check();
    assert.equal(refused.status, 'CRITICAL');
    assert.equal(refused.message, 'failed to send to topic orders: not authorized on the topic');
    assert.deepEqual(refused.consumerGroup, { groupName: 'billing', state: 'Starting' });
    assert.equal(probes, 0);

    refusal = undefined;
    const notYet = await checker.check();
    assert.equal(notYet.status, 'WARNING', 'cleared: back to the usual rules');
    await checker.close();
  });

  it('a throwing refusal reader never breaks the check', async () => {
    const checker = new KafkaHealthChecker({
      subject: 'producer',
      connection: { brokers: ['a:1'] },
      topics: ['orders'],
      minBrokersHealthy: 1,
      isInitialised: () => false,
      authorizationFailure: () => {
        throw new Error('boom');
      },
    });
    assert.equal((await checker.check()).status, 'WARNING');
    await checker.close();
  });
});
