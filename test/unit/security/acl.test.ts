import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs, { type AclEntry } from 'kafkajs';
import {
  applyAcls,
  applyTopicAuthList,
  getPrincipal,
  getTopicAcls,
  toKafkaJsAcl,
  type AclAdmin,
  type TopicAuth,
} from '../../../lib/core/admin/index.js';
import { AclCreationError, KafkaConfigError, type LogData } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';

const { AclOperationTypes, AclResourceTypes, ResourcePatternTypes, AclPermissionTypes, KafkaJSProtocolError } = kafkajs;

/** An admin stand-in that records createAcls calls and fails on the `failAt`-th call (1-based). */
function recordingAdmin(failAt?: number, failure: unknown = new Error('broker said no')) {
  const calls: AclEntry[][] = [];
  const admin: AclAdmin = {
    createAcls: async ({ acl }) => {
      calls.push(acl);
      if (calls.length === failAt) throw failure;
      return true;
    },
  };
  return { admin, calls };
}

function captureLogger() {
  const lines: { message: string; data?: LogData }[] = [];
  const log = (message: string, data?: LogData) => void lines.push({ message, ...(data ? { data } : {}) });
  const logger: KafkaLogger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

const auth: TopicAuth = {
  app: 'dp-import-api',
  subnets: ['publishing', 'web'],
  topic: 'orders',
  operations: ['Read', 'Write', 'Describe'],
  hosts: ['10.0.0.1', '10.0.0.2'],
};

describe('getPrincipal', () => {
  it('joins app, subnet and domain into a CN principal', () => {
    assert.equal(getPrincipal('dp-import-api', 'publishing', 'example.internal'), 'User:CN=dp-import-api.publishing.example.internal');
  });

  it('rejects empty parts and characters that would break the DN, naming each', () => {
    assert.throws(
      () => getPrincipal('', 'a,b', 'example.internal'),
      (e: unknown) => e instanceof KafkaConfigError && e.problems.map((p) => p.field).join() === 'app,subnet',
    );
  });
});

describe('TopicAuth expansion', () => {
  it('builds the product subnets × operations × hosts, subnet-major', () => {
    const acls = getTopicAcls(auth, 'example.internal');
    assert.equal(acls.length, 2 * 3 * 2);
    assert.deepEqual(acls[0], {
      principal: 'User:CN=dp-import-api.publishing.example.internal',
      topic: 'orders',
      operation: 'Read',
      host: '10.0.0.1',
    });
    assert.deepEqual(acls[1], {
      principal: 'User:CN=dp-import-api.publishing.example.internal',
      topic: 'orders',
      operation: 'Read',
      host: '10.0.0.2',
    });
    assert.deepEqual(acls[11], {
      principal: 'User:CN=dp-import-api.web.example.internal',
      topic: 'orders',
      operation: 'Describe',
      host: '10.0.0.2',
    });
    const unique = new Set(acls.map((a) => `${a.principal}|${a.operation}|${a.host}`));
    assert.equal(unique.size, 12);
  });

  it('allows every host when hosts are not given', () => {
    const acls = getTopicAcls({ app: 'a', subnets: ['s'], topic: 't', operations: ['Read'] }, 'd');
    assert.deepEqual(acls, [{ principal: 'User:CN=a.s.d', topic: 't', operation: 'Read', host: '*' }]);
  });

  it('rejects empty lists and unknown operations instead of silently granting nothing', () => {
    const bad = { app: 'a', subnets: [], topic: '', operations: ['Reed'], hosts: [] } as unknown as TopicAuth;
    assert.throws(
      () => getTopicAcls(bad, ''),
      (e: unknown) =>
        e instanceof KafkaConfigError &&
        JSON.stringify(e.problems.map((p) => p.field)) ===
          JSON.stringify(['topicAuth.topic', 'topicAuth.subnets', 'topicAuth.operations[0]', 'topicAuth.hosts', 'domain']),
    );
  });

  it('maps an ACL to a kafkajs ALLOW entry on a literal topic', () => {
    assert.deepEqual(toKafkaJsAcl({ principal: 'User:CN=a.s.d', topic: 't', operation: 'IdempotentWrite', host: '*' }), {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 't',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:CN=a.s.d',
      host: '*',
      operation: AclOperationTypes.IDEMPOTENT_WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    assert.equal(toKafkaJsAcl({ principal: 'p', topic: 't', operation: 'Describe', host: '*' }).operation, AclOperationTypes.DESCRIBE);
  });
});

describe('applying ACLs', () => {
  it('creates each ACL in its own call, in order, logging before and after', async () => {
    const { admin, calls } = recordingAdmin();
    const { logger, lines } = captureLogger();
    const acls = getTopicAcls(auth, 'example.internal');
    await applyAcls(admin, acls, logger);
    assert.deepEqual(
      calls,
      acls.map((a) => [toKafkaJsAcl(a)]),
    );
    assert.deepEqual(
      lines.slice(0, 2).map((l) => l.message),
      ['creating ACL', 'created ACL'],
    );
    assert.equal(lines.length, 2 * acls.length);
  });

  it('stops at the first failure with an error naming that ACL', async () => {
    const { admin, calls } = recordingAdmin(3);
    const acls = getTopicAcls(auth, 'example.internal');
    await assert.rejects(applyAcls(admin, acls), (e: unknown) => {
      assert.ok(e instanceof AclCreationError);
      assert.match(
        e.message,
        /ACL #3 of 12 allowing User:CN=dp-import-api\.publishing\.example\.internal to Write topic orders from host 10\.0\.0\.1: broker said no/,
      );
      assert.deepEqual(e.logData, { ...acls[2], index: 2 });
      return true;
    });
    assert.equal(calls.length, 3, 'nothing after the failed ACL is attempted');
  });

  it('marks a failure caused by the admin lacking rights', async () => {
    const refused = new KafkaJSProtocolError({
      type: 'CLUSTER_AUTHORIZATION_FAILED',
      code: 31,
      retriable: false,
      message: 'Cluster authorization failed',
    } as unknown as Error);
    const { admin } = recordingAdmin(1, refused);
    await assert.rejects(
      applyAcls(admin, getTopicAcls(auth, 'd')),
      (e: unknown) => e instanceof AclCreationError && e.logData.authFailure === 'cluster',
    );
  });

  it('applies a TopicAuthList in order and validates all of it before creating anything', async () => {
    const { admin, calls } = recordingAdmin();
    const second: TopicAuth = { app: 'b', subnets: ['s'], topic: 't2', operations: ['Read'] };
    await applyTopicAuthList(admin, { domain: 'example.internal', brokers: ['x:1'], acls: [auth, second] });
    assert.equal(calls.length, 13);
    assert.equal(calls[12]?.[0]?.principal, 'User:CN=b.s.example.internal');

    const empty = recordingAdmin();
    const bad = { app: 'c', subnets: ['s'], topic: 't3', operations: [] } as TopicAuth;
    await assert.rejects(
      applyTopicAuthList(empty.admin, { domain: 'example.internal', acls: [auth, bad] }),
      (e: unknown) => e instanceof KafkaConfigError && e.problems[0]?.field === 'acls[1].operations',
    );
    assert.equal(empty.calls.length, 0);
  });
});
