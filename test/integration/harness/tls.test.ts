import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs, { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { uniqueName } from '../../support/env.js';
import { startTlsBroker, type TlsTestBroker } from '../../support/tls-broker.js';

// kafkajs is CommonJS: these enums are only reachable through the default export under ESM.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** Every error in a cause chain (kafkajs wraps protocol errors in retry errors). */
function errorChain(err: unknown): Array<Error & { type?: string }> {
  const chain: Array<Error & { type?: string }> = [];
  let current: unknown = err;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    const next = current as Error & { cause?: unknown; originalError?: unknown };
    current = next.originalError ?? next.cause;
  }
  return chain;
}

function client(config: Omit<KafkaConfig, 'clientId' | 'logLevel'>): Kafka {
  return new Kafka({
    clientId: 'harness-tls',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    retry: { retries: 0 },
    ...config,
  });
}

describe('harness: TLS broker with ACLs and SCRAM', () => {
  let tls: TlsTestBroker;

  before(async () => {
    tls = await startTlsBroker();
  });
  after(async () => {
    await tls?.close();
  });

  it('lets a client certificate write where an ACL allows it, and refuses it elsewhere', async () => {
    const allowed = uniqueName('harness-tls-allowed');
    const denied = uniqueName('harness-tls-denied');
    const admin = client({ brokers: tls.brokers, ssl: tls.adminSsl }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: allowed }, { topic: denied }], waitForLeaders: true });
      await admin.createAcls({
        acl: [AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE].map((operation) => ({
          resourceType: AclResourceTypes.TOPIC,
          resourceName: allowed,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: tls.certs.client.principal,
          host: '*',
          operation,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      });

      const { ca, client: app } = tls.certs;
      const producer = client({
        brokers: tls.brokers,
        ssl: { rejectUnauthorized: true, ca: [ca.certPem], cert: app.certPem, key: app.keyPem },
      }).producer();
      await producer.connect();
      try {
        await producer.send({ topic: allowed, acks: -1, messages: [{ value: 'allowed by ACL' }] });
        const offsets = await admin.fetchTopicOffsets(allowed);
        assert.equal(offsets[0]?.high, '1', 'the record reached the broker');

        const refusal = await producer.send({ topic: denied, acks: -1, messages: [{ value: 'no ACL' }] }).then(
          () => undefined,
          (err: unknown) => err,
        );
        assert.ok(refusal, 'a write without an ACL must fail');
        const types = errorChain(refusal).map((e) => e.type);
        assert.ok(types.includes('TOPIC_AUTHORIZATION_FAILED'), `expected TOPIC_AUTHORIZATION_FAILED, got ${JSON.stringify(types)}`);
        assert.equal((await admin.fetchTopicOffsets(denied))[0]?.high, '0', 'nothing was written to the denied topic');
      } finally {
        await producer.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('fails the handshake for a certificate signed by another CA', async () => {
    const { ca, untrustedClient } = tls.certs;
    assert.equal(untrustedClient.subject, tls.certs.client.subject, 'same DN: only the issuing CA differs');
    const admin = client({
      brokers: tls.brokers,
      ssl: { rejectUnauthorized: true, ca: [ca.certPem], cert: untrustedClient.certPem, key: untrustedClient.keyPem },
    }).admin();
    const failure = await admin.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    await admin.disconnect().catch(() => undefined);
    assert.ok(failure instanceof Error, 'connecting with an untrusted certificate must fail');
    const names = errorChain(failure).map((e) => e.name);
    assert.ok(names.includes('KafkaJSConnectionError'), `expected a connection error, got ${JSON.stringify(names)}`);
  });

  it('authenticates SCRAM users with the right password and refuses a wrong one', async () => {
    const [sha256, sha512] = tls.scramUsers;
    assert.ok(sha256 && sha512);
    const cases = [
      { brokers: tls.saslBrokers, ssl: { ca: [tls.certs.ca.certPem] }, user: sha256 },
      { brokers: tls.saslPlaintextBrokers, ssl: undefined, user: sha512 },
    ];
    for (const { brokers, ssl, user } of cases) {
      const good = client({ brokers, ssl, sasl: user.sasl }).admin();
      await good.connect();
      try {
        const cluster = await good.describeCluster();
        assert.equal(cluster.brokers.length, 1);
      } finally {
        await good.disconnect();
      }
      // A fresh literal: kafkajs binds credentials into the sasl object it is given, so no spread copy.
      const wrong = `${user.password}-wrong`;
      const sasl =
        user.mechanism === 'SCRAM-SHA-256'
          ? { mechanism: 'scram-sha-256' as const, username: user.username, password: wrong }
          : { mechanism: 'scram-sha-512' as const, username: user.username, password: wrong };
      const bad = client({ brokers, ssl, sasl }).admin();
      const failure = await bad.connect().then(
        () => undefined,
        (err: unknown) => err,
      );
      await bad.disconnect().catch(() => undefined);
      const names = errorChain(failure).map((e) => e.name);
      assert.ok(names.includes('KafkaJSSASLAuthenticationError'), `${user.mechanism}: expected a SASL error, got ${JSON.stringify(names)}`);
    }
  });
});
