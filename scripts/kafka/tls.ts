/**
 * Topology 3: one node whose client listeners require authentication, with the standard KRaft
 * authorizer and no access without an ACL.
 *   SSL             mutual TLS (`ssl.client.auth=required`); principal `User:<certificate DN>`
 *   SASL_SSL        SCRAM-SHA-256/512 over TLS (server-authenticated only)
 *   SASL_PLAINTEXT  SCRAM-SHA-256/512 without TLS
 *   INTERNAL        PLAINTEXT on loopback for the broker itself (inter-broker), and CONTROLLER
 * Unauthenticated connections on the internal listeners are `User:ANONYMOUS`, which therefore is a
 * super user (the broker's own requests need CLUSTER_ACTION); clients never get that identity on
 * the authenticated listeners. The admin certificate is the other super user.
 */
import { randomBytes } from 'node:crypto';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { generateCertificates, type TestCertificates } from './certs.js';
import { EmbeddedKafka } from './embedded-kafka.js';
import type { ScramCredential } from './storage.js';
import type { KafkaVersion } from './versions.js';

/** A SCRAM user created when the storage was formatted. None of them is a super user. */
export interface ScramUser extends ScramCredential {
  /** `User:<username>`. */
  readonly principal: string;
  /**
   * A ready-made kafkajs `sasl` option for this user, as a NEW object on every read: kafkajs
   * stores an `authenticationProvider` bound to the credentials on the object it is given, so a
   * reused or spread copy keeps authenticating with the original password.
   */
  readonly sasl: SASLOptions;
}

/** Options of {@link startTlsKafka}. */
export interface TlsKafkaOptions {
  readonly version?: KafkaVersion;
  readonly startTimeoutMs?: number;
  readonly logFile?: string;
}

/** A running TLS/SASL broker and everything a client needs to reach it. */
export interface TlsKafka {
  readonly kafka: EmbeddedKafka;
  /** Mutual-TLS listener (`127.0.0.1:port`). */
  readonly brokers: string[];
  /** SCRAM over TLS listener. */
  readonly saslBrokers: string[];
  /** SCRAM without TLS listener. */
  readonly saslPlaintextBrokers: string[];
  readonly certs: TestCertificates;
  /** `SCRAM-SHA-256` user first, then `SCRAM-SHA-512`. */
  readonly scramUsers: readonly ScramUser[];
  /** Principals in `super.users`. */
  readonly superUsers: readonly string[];
  /** kafkajs `ssl` option presenting the admin certificate (a super user). */
  readonly adminSsl: NonNullable<KafkaConfig['ssl']>;
}

function scramUser(mechanism: ScramCredential['mechanism'], username: string): ScramUser {
  const password = randomBytes(12).toString('hex');
  return {
    mechanism,
    username,
    password,
    principal: `User:${username}`,
    get sasl(): SASLOptions {
      return mechanism === 'SCRAM-SHA-256'
        ? { mechanism: 'scram-sha-256', username, password }
        : { mechanism: 'scram-sha-512', username, password };
    },
  };
}

function adminSslOf(c: TestCertificates): NonNullable<KafkaConfig['ssl']> {
  return { rejectUnauthorized: true, ca: [c.ca.certPem], cert: c.admin.certPem, key: c.admin.keyPem };
}

/** Starts the TLS/SASL node with fresh certificates and SCRAM users, and waits until it is ready. */
export async function startTlsKafka(options: TlsKafkaOptions = {}): Promise<TlsKafka> {
  const scramUsers = [scramUser('SCRAM-SHA-256', 'scram256'), scramUser('SCRAM-SHA-512', 'scram512')];
  let certs: TestCertificates | undefined;
  const certsReady = (): TestCertificates => {
    if (!certs) throw new Error('certificates are generated before the properties are written');
    return certs;
  };
  let superUsers: string[] = [];
  const scramJaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const kafka = await EmbeddedKafka.start({
    nodes: 1,
    listeners: [
      { name: 'SSL', protocol: 'SSL' },
      { name: 'SASL_SSL', protocol: 'SASL_SSL' },
      { name: 'SASL_PLAINTEXT', protocol: 'SASL_PLAINTEXT' },
      { name: 'INTERNAL', protocol: 'PLAINTEXT' },
    ],
    interBrokerListener: 'INTERNAL',
    version: options.version,
    startTimeoutMs: options.startTimeoutMs,
    logFile: options.logFile,
    scram: scramUsers,
    prepare: async (dir) => {
      certs = await generateCertificates(dir);
      superUsers = ['User:ANONYMOUS', certs.admin.principal];
    },
    extraProperties: () => {
      const c = certsReady();
      return {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': c.serverKeystorePath,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': c.ca.certPath,
        'listener.name.ssl.ssl.client.auth': 'required',
        'listener.name.sasl_ssl.ssl.client.auth': 'none',
        'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': scramJaas,
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scramJaas,
        'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': scramJaas,
        'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': scramJaas,
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'allow.everyone.if.no.acl.found': 'false',
        // DNs contain commas, so super.users is separated by semicolons.
        'super.users': superUsers.join(';'),
      };
    },
    readinessClient: () => ({ ssl: adminSslOf(certsReady()) }),
  });
  const c = certsReady();
  const adminSsl = adminSslOf(c);
  return {
    kafka,
    brokers: kafka.brokersOf('SSL'),
    saslBrokers: kafka.brokersOf('SASL_SSL'),
    saslPlaintextBrokers: kafka.brokersOf('SASL_PLAINTEXT'),
    certs: c,
    scramUsers,
    superUsers,
    adminSsl,
  };
}
