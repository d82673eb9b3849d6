/**
 * Test-side API of the TLS/SASL broker (topology 3). A test file that needs it starts its own in a
 * `before` hook, even when `KAFKA_ADDR` is set: it needs its own CA, SCRAM users and ACL control.
 *
 * - `brokers`: mutual-TLS listener; connect with `ssl: { ca: [certs.ca.certPem], cert, key }`.
 *   `certs.client` (`User:CN=app,OU=clients,O=test`) has no ACLs until the test grants some;
 *   `certs.admin` is a super user (`adminSsl` is the ready kafkajs option) and may grant them;
 *   `certs.untrustedClient` has the same DN but is signed by `certs.otherCa`: its handshake fails.
 * - `saslBrokers` (SCRAM over TLS; `ssl: { ca: [certs.ca.certPem] }`) and `saslPlaintextBrokers`
 *   (SCRAM without TLS): `scramUsers[0]` is SCRAM-SHA-256, `scramUsers[1]` SCRAM-SHA-512; each has
 *   `username`, `password`, `principal` and a ready kafkajs `sasl` option. They are not super users.
 * - Every certificate has `certPath`/`keyPath` and `certPem`/`keyPem`.
 * - No access is allowed without an ACL (`allow.everyone.if.no.acl.found=false`).
 */
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';
import { startTlsKafka, type TlsKafka, type TlsKafkaOptions } from '../../scripts/kafka/tls.js';

export type { CertificateFiles, TestCertificates } from '../../scripts/kafka/certs.js';
export type { ScramUser } from '../../scripts/kafka/tls.js';

/** A running TLS/SASL broker; `close()` stops it and deletes its data and certificates. */
export interface TlsTestBroker extends TlsKafka {
  close(): Promise<void>;
}

/** Starts the TLS/SASL node with a fresh CA, certificates and SCRAM users. */
export async function startTlsBroker(options: TlsKafkaOptions = {}): Promise<TlsTestBroker> {
  killBrokersOnSignals();
  const tls = await startTlsKafka(options);
  return { ...tls, close: () => tls.kafka.close() };
}
