/**
 * mTLS and ACLs on the harness's TLS broker: a real broker with the standard authorizer, where
 * nothing is allowed without an ACL. The app certificate is issued here with the subject
 * `CN=svc.publishing.example.internal`, the principal `getPrincipal()` computes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type Admin } from 'kafkajs';
import { applyTopicAuthList, createAdmin, getPrincipal, type TopicAuth } from '../../../lib/core/admin/index.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/index.js';
import { AclCreationError, KafkaAuthorizationError, type KafkaError, type LogData } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { findAuthFailure, isAuthorizationError, type SecurityConfig } from '../../../lib/core/security.js';
import { uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { startTlsBroker, type CertificateFiles, type TlsTestBroker } from '../../support/tls-broker.js';
import { issueClientCert, pemBody } from './issue-cert.js';

const { AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = kafkajs;

const APP = { app: 'svc', subnet: 'publishing', domain: 'example.internal' } as const;
const RETRY = { minRetryPeriod: 200, maxRetryPeriod: 1_000 } as const;

/** Every log line of the run, as text, for the leak check at the end. */
const logLines: string[] = [];
const captureLogger: KafkaLogger = {
  debug: (m, d) => void logLines.push(line('debug', m, d)),
  info: (m, d) => void logLines.push(line('info', m, d)),
  warn: (m, d) => void logLines.push(line('warn', m, d)),
  error: (m, d) => void logLines.push(line('error', m, d)),
};
function line(level: string, message: string, data?: LogData): string {
  return `${level} ${message} ${data ? JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : ''}`;
}

describe('mTLS and ACLs on a real TLS broker', { timeout: 150_000 }, () => {
  let broker: TlsTestBroker;
  let admin: Admin;
  let app: CertificateFiles;
  const cleanups: Array<() => Promise<unknown>> = [];

  const mtls = (cert: CertificateFiles, form: 'files' | 'pem'): SecurityConfig =>
    form === 'files'
      ? { caCerts: broker.certs.ca.certPath, clientCert: cert.certPath, clientKey: cert.keyPath }
      : { caCerts: broker.certs.ca.certPem, clientCert: cert.certPem, clientKey: cert.keyPem };

  const producer = (topic: string, security: SecurityConfig) => {
    const p = new KafkaProducer({ brokers: broker.brokers, topic, security, logger: captureLogger, kafkaJsLogLevel: 'debug', ...RETRY });
    cleanups.push(() => p.close());
    return p;
  };

  const group = (topic: string, security: SecurityConfig, received: string[]) => {
    const g = new KafkaConsumerGroup({
      brokers: broker.brokers,
      topic,
      groupName: uniqueName('sec-group'),
      security,
      logger: captureLogger,
      kafkaJsLogLevel: 'debug',
      offset: 'oldest',
      ...RETRY,
    });
    g.registerHandler(async (message) => void received.push(message.value?.toString() ?? ''));
    cleanups.push(() => g.close());
    return g;
  };

  /** Consumer groups need READ on their group, which TopicAuth (topics only, as in dp-kafka) does not grant. */
  const allowGroup = (groupName: string) =>
    admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.GROUP,
          resourceName: groupName,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: getPrincipal(APP.app, APP.subnet, APP.domain),
          host: '*',
          operation: AclOperationTypes.READ,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });

  const topicAuth = (topic: string): TopicAuth => ({
    app: APP.app,
    subnets: [APP.subnet],
    topic,
    operations: ['Read', 'Write', 'Describe'],
  });

  before(async () => {
    broker = await startTlsBroker();
    app = await issueClientCert(broker.certs.ca, broker.certs.dir, `${APP.app}.${APP.subnet}.${APP.domain}`);
    admin = await createAdmin({
      brokers: broker.brokers,
      security: mtls(broker.certs.admin, 'files'),
      logger: captureLogger,
      kafkaJsLogLevel: 'debug',
    });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await admin?.disconnect();
    await broker?.close();
  });

  it('produces and consumes over mTLS on an allowed topic (PEM text for the producer, file paths for the group)', async () => {
    const topic = uniqueName('sec-allowed');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await applyTopicAuthList(admin, { domain: APP.domain, acls: [topicAuth(topic)] }, captureLogger);

    const p = producer(topic, mtls(app, 'pem'));
    await p.waitUntilInitialised();
    await p.sendJSON({ hello: 'tls' });

    const received: string[] = [];
    const g = group(topic, mtls(app, 'files'), received);
    await allowGroup(g.groupName);
    await g.start();
    await eventually('the message over mTLS', () => received.length > 0);
    assert.deepEqual(received, ['{"hello":"tls"}']);
  });

  it('gives an authorization error on a topic without ACL, without spinning, and works once a TopicAuth is applied', async () => {
    const topic = uniqueName('sec-denied');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });

    // Producer: the send fails with an error that carries the authorization failure.
    const p = producer(topic, mtls(app, 'files'));
    const producerErrors: KafkaError[] = [];
    p.errors.on((e) => producerErrors.push(e));
    await p.waitUntilInitialised();
    const sendError = await p.sendJSON({ n: 1 }).then(
      () => assert.fail('send to a topic without ACL succeeded'),
      (e: unknown) => e,
    );
    assert.equal(findAuthFailure(sendError)?.reason, 'topic');
    assert.ok(
      producerErrors.some((e) => isAuthorizationError(e)),
      'the failure is on the error stream',
    );

    // Consumer group: it keeps failing with back-off, not in a tight loop, and the process stays up.
    const received: string[] = [];
    const g = group(topic, mtls(app, 'pem'), received);
    const groupErrors: KafkaError[] = [];
    g.errors.on((e) => groupErrors.push(e));
    await allowGroup(g.groupName);
    await g.start();
    await eventually('the group to report the refusal', () => groupErrors.some((e) => isAuthorizationError(e)));
    const before = groupErrors.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const inWindow = groupErrors.length - before;
    assert.ok(inWindow <= 12, `${inWindow} errors in 3 s: the group retries in a tight loop`);
    assert.equal(received.length, 0);

    // Granted as super user: both recover without a restart.
    await applyTopicAuthList(admin, { domain: APP.domain, brokers: broker.brokers, acls: [topicAuth(topic)] }, captureLogger);
    await p.sendJSON({ n: 2 });
    await eventually('the group to consume after the grant', () => received.includes('{"n":2}'));
    assert.equal(p.authorizationFailure(), undefined, 'a successful send clears the refusal');
    assert.notEqual((await p.checker()).status, 'CRITICAL');
  });

  it('reports run-time authorization failures as KafkaAuthorizationError on the error stream, and health CRITICAL', async () => {
    const topic = uniqueName('sec-typed');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const p = producer(topic, mtls(app, 'files'));
    const errors: KafkaError[] = [];
    p.errors.on((e) => errors.push(e));
    await p.waitUntilInitialised();
    const sendError = await p.sendJSON({ n: 1 }).then(
      () => assert.fail('send to a topic without ACL succeeded'),
      (e: unknown) => e,
    );
    assert.ok(sendError instanceof KafkaAuthorizationError, `send rejected with ${String(sendError)}`);
    assert.equal(sendError.logData.authFailure, 'topic');
    assert.ok(
      errors.some((e) => e instanceof KafkaAuthorizationError),
      `got ${errors.map((e) => e.name).join(', ')}`,
    );
    const health = await p.checker();
    assert.equal(health.status, 'CRITICAL');
    assert.equal(health.message, sendError.message);
  });

  it('refuses a client certificate signed by another CA', async () => {
    await assert.rejects(
      createAdmin({ brokers: broker.brokers, security: mtls(broker.certs.untrustedClient, 'files'), logger: captureLogger, retryMax: 0 }),
      (e: unknown) => e instanceof KafkaAuthorizationError && e.logData.authFailure === 'tls-handshake',
    );
    const p = producer(uniqueName('sec-never'), mtls(broker.certs.untrustedClient, 'pem'));
    await assert.rejects(p.initialise(), (e: unknown) => e instanceof KafkaAuthorizationError && e.logData.authFailure === 'tls-handshake');
    assert.equal(p.isInitialised(), false);
    const health = await p.checker();
    assert.equal(health.status, 'CRITICAL', 'a refused handshake is CRITICAL, not "not initialised"');
    assert.match(health.message, /^failed to initialise kafka producer: TLS handshake refused/);
  });

  it('refuses a broker whose certificate the client does not trust', async () => {
    const security: SecurityConfig = { caCerts: broker.certs.otherCa.certPath, clientCert: app.certPath, clientKey: app.keyPath };
    await assert.rejects(
      createAdmin({ brokers: broker.brokers, security, logger: captureLogger, retryMax: 0 }),
      (e: unknown) => e instanceof KafkaAuthorizationError && e.logData.authFailure === 'tls-handshake',
    );
  });

  it('stops applying ACLs at the first refusal and names that ACL', async () => {
    const notAdmin = await createAdmin({ brokers: broker.brokers, security: mtls(app, 'files'), logger: captureLogger, retryMax: 0 });
    try {
      const auth: TopicAuth = { app: 'other', subnets: ['a', 'b'], topic: uniqueName('sec-acl'), operations: ['Read', 'Write'] };
      await assert.rejects(applyTopicAuthList(notAdmin, { domain: APP.domain, acls: [auth] }), (e: unknown) => {
        assert.ok(e instanceof AclCreationError, String(e));
        assert.match(e.message, /ACL #1 of 4 allowing User:CN=other\.a\.example\.internal to Read topic sec-acl-/);
        assert.equal(e.logData.index, 0);
        assert.ok(e.logData.authFailure, `the refusal reason is named: ${e.message}`);
        return true;
      });
    } finally {
      await notAdmin.disconnect();
    }
  });

  it('never logs key or certificate material', () => {
    assert.ok(logLines.length > 50, `expected a full debug log capture, got ${logLines.length} lines`);
    const secrets = pemBody(
      app.keyPem,
      app.certPem,
      broker.certs.admin.keyPem,
      broker.certs.untrustedClient.keyPem,
      broker.certs.ca.certPem,
    );
    for (const text of logLines) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `a log line leaks PEM material: ${text.slice(0, 200)}`);
      assert.ok(!/PRIVATE KEY-----/.test(text), `a log line mentions a private key block: ${text.slice(0, 200)}`);
    }
  });
});
