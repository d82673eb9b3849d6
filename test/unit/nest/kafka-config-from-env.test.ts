import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kafkaConfigFromEnv } from '../../../lib/core/config/env.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return error.problems.map((p) => p.field);
  }
  assert.fail('expected a KafkaConfigError');
}

describe('kafkaConfigFromEnv', () => {
  it('splits KAFKA_ADDR and means plaintext without KAFKA_SEC_PROTO', () => {
    assert.deepEqual(kafkaConfigFromEnv({ KAFKA_ADDR: 'a:9092, b:9093,' }), { brokers: ['a:9092', 'b:9093'] });
  });

  it('requires KAFKA_ADDR unless a default is given', () => {
    assert.deepEqual(
      fields(() => kafkaConfigFromEnv({})),
      ['KAFKA_ADDR'],
    );
    assert.deepEqual(kafkaConfigFromEnv({}, { brokers: ['localhost:9092'] }).brokers, ['localhost:9092']);
  });

  it('turns TLS on with KAFKA_SEC_PROTO=TLS, reading PEM text or a file path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-test-'));
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, PEM.replaceAll('\\n', '\n'));
    const config = kafkaConfigFromEnv({
      KAFKA_ADDR: 'k:9094',
      KAFKA_SEC_PROTO: 'TLS',
      KAFKA_SEC_CA_CERTS: caPath,
      KAFKA_SEC_CLIENT_CERT: PEM,
      KAFKA_SEC_CLIENT_KEY: PEM.replaceAll('CERTIFICATE', 'PRIVATE KEY'),
      KAFKA_SEC_SKIP_VERIFY: 'true',
    });
    assert.equal(config.security?.tls, true);
    assert.equal(config.security?.caCerts, caPath);
    assert.equal(config.security?.insecureSkipVerify, true);
    assert.ok(config.security?.clientKey?.includes('PRIVATE KEY'));
  });

  it('names every invalid variable in one error, without PEM content', () => {
    let message = '';
    const bad = fields(() => {
      try {
        kafkaConfigFromEnv({
          KAFKA_ADDR: 'no-port',
          KAFKA_SEC_PROTO: 'SSL',
          KAFKA_SEC_CA_CERTS: '/nonexistent/ca.pem',
          KAFKA_SEC_CLIENT_CERT: PEM,
          KAFKA_SEC_SKIP_VERIFY: 'maybe',
        });
      } catch (error) {
        message = (error as Error).message;
        throw error;
      }
    });
    for (const name of [
      'KAFKA_ADDR[0]',
      'KAFKA_SEC_PROTO',
      'KAFKA_SEC_CA_CERTS',
      'KAFKA_SEC_CLIENT_CERT',
      'KAFKA_SEC_CLIENT_KEY',
      'KAFKA_SEC_SKIP_VERIFY',
    ]) {
      assert.ok(bad.includes(name), `${name} missing from ${bad.join(', ')}`);
    }
    assert.ok(!message.includes('MIIB'), 'PEM content leaked into the error');
  });

  it('accepts Go-style booleans and never changes the env object', () => {
    const env = Object.freeze({ KAFKA_ADDR: 'k:1', KAFKA_SEC_PROTO: 'TLS', KAFKA_SEC_SKIP_VERIFY: 'F' });
    assert.equal(kafkaConfigFromEnv(env).security?.insecureSkipVerify, false);
  });
});
