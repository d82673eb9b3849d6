/**
 * SASL SCRAM on the harness's TLS broker: over TLS and over plaintext, right and wrong passwords,
 * and no password in any log line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { applyAcls, createAdmin, type TopicAcl } from '../../../lib/core/admin/index.js';
import { KafkaAuthorizationError, type LogData } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { isAuthorizationError, type SaslConfig, type SecurityConfig } from '../../../lib/core/security.js';
import { uniqueName } from '../../support/env.js';
import { startTlsBroker, type ScramUser, type TlsTestBroker } from '../../support/tls-broker.js';

const WRONG_PASSWORD = 'wr0ng-Passw0rd-for-test';
const RETRY = { minRetryPeriod: 200, maxRetryPeriod: 1_000 } as const;

const logLines: string[] = [];
const captureLogger: KafkaLogger = {
  debug: (m, d) => void logLines.push(line(m, d)),
  info: (m, d) => void logLines.push(line(m, d)),
  warn: (m, d) => void logLines.push(line(m, d)),
  error: (m, d) => void logLines.push(line(m, d)),
};
function line(message: string, data?: LogData): string {
  return `${message} ${data ? JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : ''}`;
}

describe('SASL SCRAM on a real broker', { timeout: 120_000 }, () => {
  let broker: TlsTestBroker;
  let superAdmin: Admin;
  const cleanups: Array<() => Promise<unknown>> = [];

  const sasl = (user: ScramUser, password = user.password): SaslConfig => ({
    mechanism: user.mechanism === 'SCRAM-SHA-256' ? 'scram-sha-256' : 'scram-sha-512',
    username: user.username,
    password,
  });
  const overTls = (user: ScramUser, password?: string): SecurityConfig => ({
    caCerts: broker.certs.ca.certPath,
    sasl: sasl(user, password),
  });
  const overPlaintext = (user: ScramUser, password?: string): SecurityConfig => ({ tls: false, sasl: sasl(user, password) });

  /** A topic `user` may write to, created and granted by the super user. */
  async function writableTopic(user: ScramUser): Promise<string> {
    const topic = uniqueName('sec-sasl');
    await superAdmin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const acls: TopicAcl[] = (['Write', 'Describe'] as const).map((operation) => ({
      principal: user.principal,
      topic,
      operation,
      host: '*',
    }));
    await applyAcls(superAdmin, acls, captureLogger);
    return topic;
  }

  function producer(brokers: string[], topic: string, security: SecurityConfig): KafkaProducer {
    const p = new KafkaProducer({ brokers, topic, security, logger: captureLogger, kafkaJsLogLevel: 'debug', ...RETRY });
    cleanups.push(() => p.close());
    return p;
  }

  before(async () => {
    broker = await startTlsBroker();
    const admin = broker.certs.admin;
    superAdmin = await createAdmin({
      brokers: broker.brokers,
      security: { caCerts: broker.certs.ca.certPem, clientCert: admin.certPem, clientKey: admin.keyPem },
      logger: captureLogger,
    });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await superAdmin?.disconnect();
    await broker?.close();
  });

  it('sends with SCRAM-SHA-512 over TLS and the right password', async () => {
    const user = broker.scramUsers[1]!;
    assert.equal(user.mechanism, 'SCRAM-SHA-512');
    const topic = await writableTopic(user);
    const p = producer(broker.saslBrokers, topic, overTls(user));
    await p.waitUntilInitialised();
    await p.sendJSON({ sasl: 'scram-512' });
  });

  it('sends with SCRAM-SHA-256 over plaintext (tls: false) and the right password', async () => {
    const user = broker.scramUsers[0]!;
    assert.equal(user.mechanism, 'SCRAM-SHA-256');
    const topic = await writableTopic(user);
    const p = producer(broker.saslPlaintextBrokers, topic, overPlaintext(user));
    await p.waitUntilInitialised();
    await p.sendJSON({ sasl: 'scram-256' });
  });

  it('refuses a wrong password with a clear typed error that does not contain it', async () => {
    const user = broker.scramUsers[1]!;
    for (const [brokers, security] of [
      [broker.saslBrokers, overTls(user, WRONG_PASSWORD)],
      [broker.saslPlaintextBrokers, overPlaintext(user, WRONG_PASSWORD)],
    ] as const) {
      await assert.rejects(createAdmin({ brokers, security, logger: captureLogger, retryMax: 0 }), (e: unknown) => {
        assert.ok(e instanceof KafkaAuthorizationError, String(e));
        assert.equal(e.logData.authFailure, 'sasl-authentication');
        assert.match(e.message, /SASL authentication failed/);
        assert.ok(!e.message.includes(WRONG_PASSWORD) && !JSON.stringify(e.logData).includes(WRONG_PASSWORD));
        return true;
      });
    }
  });

  it('keeps a producer with a wrong password uninitialised, retrying with back-off rather than spinning', async () => {
    const user = broker.scramUsers[0]!;
    const p = producer(broker.saslPlaintextBrokers, uniqueName('sec-sasl-never'), overPlaintext(user, WRONG_PASSWORD));
    await assert.rejects(p.initialise(), (e: unknown) => isAuthorizationError(e));
    const before = logLines.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const retries = logLines.slice(before).filter((l) => l.startsWith('error initialising kafka producer')).length;
    assert.ok(retries >= 1, 'the producer keeps trying in the background');
    assert.ok(retries <= 12, `${retries} attempts in 3 s: a tight retry loop`);
    assert.equal(p.isInitialised(), false);
  });

  it('never logs a password', () => {
    assert.ok(logLines.length > 20, `expected a full debug log capture, got ${logLines.length} lines`);
    const passwords = [...broker.scramUsers.map((u) => u.password), WRONG_PASSWORD];
    for (const text of logLines) {
      for (const password of passwords) assert.ok(!text.includes(password), `a log line leaks a password: ${text.slice(0, 200)}`);
    }
  });
});
