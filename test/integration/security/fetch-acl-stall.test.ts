/**
 * A real fetch failure on one topic (issue 25, "no silent stall"): on the harness's TLS broker
 * (standard authorizer, nothing allowed without an ACL) the group's READ on one of its two topics
 * is revoked while it consumes (DESCRIBE stays, so metadata and the group join still work and only
 * the fetch is refused). Health must go WARNING at once and CRITICAL after `stallTimeout`, the
 * other topic must keep flowing meanwhile, and once the ACL is back the topic is read and health
 * is OK again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type Admin, type AclEntry } from 'kafkajs';
import { createAdmin, getPrincipal } from '../../../lib/core/admin/index.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/index.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaError, LogData } from '../../../lib/core/errors.js';
import type { HealthReport } from '../../../lib/core/health/health-types.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';
import type { SecurityConfig } from '../../../lib/core/security.js';
import { uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { startTlsBroker, type CertificateFiles, type TlsTestBroker } from '../../support/tls-broker.js';
import { issueClientCert } from './issue-cert.js';

const { AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = kafkajs;

const APP = { app: 'svc', subnet: 'fetching', domain: 'example.internal' } as const;
/** Short, so the test sees CRITICAL soon; the default is three session timeouts. */
const STALL_TIMEOUT = 8_000;

const lines: string[] = [];
const logger: KafkaLogger = {
  debug: () => undefined,
  info: (m, d) => void lines.push(line('info', m, d)),
  warn: (m, d) => void lines.push(line('warn', m, d)),
  error: (m, d) => void lines.push(line('error', m, d)),
};
function line(level: string, message: string, data?: LogData): string {
  return `${level} ${message} ${data ? JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) : ''}`;
}

describe('a topic the group may no longer read (ACL change) on a real broker', { timeout: 240_000 }, () => {
  const errors: KafkaError[] = [];
  let broker: TlsTestBroker;
  let admin: Admin;
  let app: CertificateFiles;
  let group: KafkaConsumerGroup | undefined;
  let producer: kafkajs.Producer | undefined;

  const principal = () => getPrincipal(APP.app, APP.subnet, APP.domain);
  const acl = (resourceType: number, resourceName: string, operation: number): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: principal(),
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });

  before(async () => {
    broker = await startTlsBroker();
    app = await issueClientCert(broker.certs.ca, broker.certs.dir, `${APP.app}.${APP.subnet}.${APP.domain}`);
    const adminSecurity: SecurityConfig = {
      caCerts: broker.certs.ca.certPath,
      clientCert: broker.certs.admin.certPath,
      clientKey: broker.certs.admin.keyPath,
    };
    admin = await createAdmin({ brokers: broker.brokers, security: adminSecurity, logger, kafkaJsLogLevel: 'nothing' });
    producer = new kafkajs.Kafka({ brokers: broker.brokers, ssl: broker.adminSsl, logLevel: kafkajs.logLevel.NOTHING }).producer();
    await producer.connect();
  });

  after(async () => {
    await group?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.close();
  });

  it('WARNING at once, CRITICAL after stallTimeout, the other topic flows meanwhile, OK once the ACL is back', async (t) => {
    t.after(() => {
      if (!process.env.FETCH_ACL_STALL_TRACE) return;
      for (const l of lines) console.log(l.slice(0, 600));
      for (const e of errors) console.log(`emitted ${e.message} ${JSON.stringify(e.logData)}`);
    });
    const revoked = uniqueName('acl-revoked');
    const open = uniqueName('acl-open');
    await admin.createTopics({
      topics: [
        { topic: revoked, numPartitions: 1, replicationFactor: 1 },
        { topic: open, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    });
    const groupName = uniqueName('acl-stall-group');
    const readRevoked = acl(AclResourceTypes.TOPIC, revoked, AclOperationTypes.READ);
    await admin.createAcls({
      acl: [
        acl(AclResourceTypes.GROUP, groupName, AclOperationTypes.READ),
        readRevoked,
        acl(AclResourceTypes.TOPIC, revoked, AclOperationTypes.DESCRIBE),
        acl(AclResourceTypes.TOPIC, open, AclOperationTypes.READ),
        acl(AclResourceTypes.TOPIC, open, AclOperationTypes.DESCRIBE),
      ],
    });

    const received = { [revoked]: [] as string[], [open]: [] as string[] };
    group = new KafkaConsumerGroup({
      brokers: broker.brokers,
      topic: [revoked, open],
      groupName,
      security: { caCerts: broker.certs.ca.certPath, clientCert: app.certPath, clientKey: app.keyPath },
      logger,
      kafkaJsLogLevel: 'nothing',
      offset: 'oldest',
      stallTimeout: STALL_TIMEOUT,
      minRetryPeriod: 200,
      maxRetryPeriod: 2_000,
    });
    group.errors.on((e) => errors.push(e));
    group.registerHandler(async (m) => void received[m.topic]!.push(m.value?.toString() ?? ''));
    const send = (topic: string, value: string) => producer!.send({ topic, messages: [{ value }] });
    const report = (): Promise<HealthReport> => group!.checker();

    await group.start();
    await send(revoked, 'r1');
    await send(open, 'o1');
    await eventually('both topics consumed', () => received[revoked]!.length === 1 && received[open]!.length === 1, 60_000);
    await eventually('health OK while both flow', async () => (await report()).status === 'OK', 30_000);
    // Committing needs READ too: revoke only once r1 is committed, so the fetch is what the broker refuses.
    await eventually(
      'r1 committed',
      async () => (await admin.fetchOffsets({ groupId: groupName, topics: [revoked] }))[0]?.partitions[0]?.offset === '1',
      30_000,
    );

    await admin.deleteAcls({ filters: [readRevoked] });
    const revokedAt = Date.now();

    // WARNING with the cause, naming the partition; meanwhile the other topic keeps flowing.
    let warning: HealthReport | undefined;
    await eventually(
      'health WARNING naming the refused partition',
      async () => {
        const r = await report();
        if (process.env.FETCH_ACL_STALL_TRACE)
          console.log(`report ${r.status} ${r.message} ${JSON.stringify(r.consumerGroup?.fetchFailures)}`);
        if (r.status === 'WARNING' && r.message.includes(`${revoked}/0`)) warning = r;
        return warning !== undefined;
      },
      60_000,
    );
    const warningAfterMs = Date.now() - revokedAt;
    // Sent once the broker refuses the fetch: a record fetched just before the refusal would be
    // handled and its commit refused, which is CRITICAL at once (a refused commit, not a stall).
    await send(revoked, 'r2');
    assert.match(warning!.message, /authoriz/i);
    assert.deepEqual(
      warning!.consumerGroup?.fetchFailures?.map((f) => `${f.topic}/${f.partition}`),
      [`${revoked}/0`],
    );

    let sentOpen = 0;
    let critical: HealthReport | undefined;
    await eventually(
      'health CRITICAL after stallTimeout, while the open topic keeps flowing',
      async () => {
        await send(open, `o-during-${++sentOpen}`);
        const r = await report();
        if (r.status === 'CRITICAL') critical = r;
        return critical !== undefined;
      },
      STALL_TIMEOUT * 6,
    );
    const criticalAfterMs = Date.now() - revokedAt;
    assert.match(critical!.message, new RegExp(`fetching ${revoked}/0 has failed for \\d+ s, longer than stallTimeout`));
    await eventually(
      'every record sent to the open topic during the episode handled',
      () => received[open]!.length === 1 + sentOpen,
      60_000,
    );
    assert.deepEqual(received[revoked], ['r1'], 'nothing read from the refused topic');
    assert.equal(group.state, ConsumerState.Consuming, 'the member kept consuming');
    const reports = errors.filter((e) => e.message.startsWith(`error fetching ${revoked}/0`));
    assert.equal(reports.length, 1, `the refusal is reported once in the episode: ${errors.map((e) => e.message).join(' | ')}`);

    await admin.createAcls({ acl: [readRevoked] });
    const restoredAt = Date.now();
    await eventually('the refused topic read again', () => received[revoked]!.includes('r2'), 60_000);
    await eventually('health OK again', async () => (await report()).status === 'OK', 60_000);
    const okAfterMs = Date.now() - restoredAt;
    assert.deepEqual(received[revoked], ['r1', 'r2']);

    t.diagnostic(
      `stall figures: WARNING ${warningAfterMs} ms after the revoke, CRITICAL ${criticalAfterMs} ms (stallTimeout ${STALL_TIMEOUT} ms), ` +
        `open topic handled ${sentOpen}/${sentOpen} records sent during the episode, OK ${okAfterMs} ms after the ACL was restored`,
    );
  });
});
