import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDEMPOTENT_RETRY_WARNING, withoutIdempotentRetryWarning } from '../../../lib/core/admin/replay-logger.js';
import { createKafkaClient } from '../../../lib/core/client.js';
import { createReplayProducer } from '../../../lib/core/admin/replay-dead-letters.js';
import { resolveAdminConfig } from '../../../lib/core/admin/admin-config.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';

function recording(): { logger: KafkaLogger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  return { warnings, logger: { debug: ignore, info: ignore, warn: (message) => void warnings.push(message), error: ignore } };
}

// The replay's producer as replayDeadLetters builds it: idempotent, retries limited to the admin's retryMax.
function buildReplayProducer(logger: KafkaLogger): void {
  const resolved = resolveAdminConfig({ brokers: ['127.0.0.1:9'], logger });
  const client = createKafkaClient(resolved, logger, { retry: { retries: resolved.retryMax, initialRetryTime: resolved.retryBackoff } });
  createReplayProducer(client); // kafkajs warns at construction, no connection needed
}

describe('dead-letter replay logger', () => {
  it('kafkajs 2.2.4 still warns with this exact text (fails if kafkajs changes it: then update IDEMPOTENT_RETRY_WARNING)', () => {
    const { logger, warnings } = recording();
    buildReplayProducer(logger);
    assert.deepEqual(warnings, [IDEMPOTENT_RETRY_WARNING]);
  });

  it('drops that warning and nothing else', () => {
    const { logger, warnings } = recording();
    buildReplayProducer(withoutIdempotentRetryWarning(logger));
    assert.deepEqual(warnings, []);
    withoutIdempotentRetryWarning(logger).warn('kafkajs: something else');
    assert.deepEqual(warnings, ['kafkajs: something else']);
  });
});
