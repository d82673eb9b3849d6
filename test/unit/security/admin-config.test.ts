import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAdmin, validateAdminConfig, type AdminConfig } from '../../../lib/core/admin/index.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';

describe('admin config', () => {
  it('names every bad field in one error, security included', () => {
    const bad = { brokers: [], retryMax: -1, retryBackoff: 0, security: { caCerts: '/nope.pem' } } as unknown as AdminConfig;
    assert.throws(
      () => validateAdminConfig(bad),
      (e: unknown) =>
        e instanceof KafkaConfigError &&
        JSON.stringify(e.problems.map((p) => p.field).sort()) ===
          JSON.stringify(['brokers', 'retryBackoff', 'retryMax', 'security.caCerts']),
    );
  });

  it('accepts a minimal config', () => {
    assert.doesNotThrow(() => validateAdminConfig({ brokers: ['localhost:9092'] }));
  });

  it('createAdmin rejects a bad config before any network call', async () => {
    const config: AdminConfig = {
      brokers: ['127.0.0.1:1'],
      logger: silentLogger,
      security: { sasl: { mechanism: 'plain', username: 'u', password: '' } },
    };
    await assert.rejects(
      createAdmin(config),
      (e: unknown) => e instanceof KafkaConfigError && e.problems[0]?.field === 'security.sasl.password',
    );
  });
});
