import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigChecker } from '../../../lib/core/config/validate.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import {
  checkSecurityConfig,
  describeSecurity,
  getSecurityConfig,
  readPem,
  toKafkaJsSecurity,
  type SecurityConfig,
} from '../../../lib/core/security.js';
import { createTestPki, pemBodyLines, type TestPki } from './pki.js';

/** Runs `fn`, expects a KafkaConfigError and returns it. */
function configError(fn: () => unknown): KafkaConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a KafkaConfigError');
}

function fields(error: KafkaConfigError): string[] {
  return error.problems.map((p) => p.field);
}

describe('security config: loading and kafkajs options', () => {
  let pki: TestPki;
  before(async () => (pki = await createTestPki()));
  after(() => pki.remove());

  it('means plaintext when security is undefined', () => {
    assert.deepEqual(toKafkaJsSecurity(undefined), {});
  });

  it('turns TLS on for an empty security object, with TLS 1.2 minimum and system roots', () => {
    const { ssl, sasl } = toKafkaJsSecurity({});
    assert.equal(ssl?.minVersion, 'TLSv1.2');
    assert.equal(ssl?.rejectUnauthorized, true);
    assert.equal(ssl?.ca, undefined, 'no ca option keeps the system roots');
    assert.equal(sasl, undefined);
  });

  it('loads the same material from PEM text and from file paths', () => {
    const fromText = toKafkaJsSecurity({ caCerts: pki.ca.cert, clientCert: pki.client.cert, clientKey: pki.client.key });
    const fromFiles = toKafkaJsSecurity({ caCerts: pki.ca.certPath, clientCert: pki.client.certPath, clientKey: pki.client.keyPath });
    assert.deepEqual(fromText, fromFiles);
    assert.deepEqual(fromText.ssl?.ca, [pki.ca.cert.trim()]);
    assert.equal(fromText.ssl?.cert, pki.client.cert.trim());
    assert.equal(fromText.ssl?.key, pki.client.key.trim());
  });

  it('turns literal \\n sequences of inline PEM (environment variables) into newlines', () => {
    const escaped = pki.ca.cert.trim().replaceAll('\n', '\\n');
    assert.deepEqual(toKafkaJsSecurity({ caCerts: escaped }).ssl?.ca, [pki.ca.cert.trim()]);
  });

  it('accepts a combined file holding both certificate and key for clientCert and clientKey', () => {
    const combined = join(pki.dir, 'combined.pem');
    writeFileSync(combined, `${pki.client.key}${pki.client.cert}`);
    const { ssl } = toKafkaJsSecurity({ clientCert: combined, clientKey: combined });
    assert.equal(ssl?.cert, pki.client.cert.trim());
    assert.equal(ssl?.key, pki.client.key.trim());
  });

  it('turns verification off only with insecureSkipVerify', () => {
    assert.equal(toKafkaJsSecurity({ insecureSkipVerify: true }).ssl?.rejectUnauthorized, false);
  });

  it('gives SASL options with TLS by default, and without TLS when tls is false', () => {
    const sasl = { mechanism: 'scram-sha-512', username: 'svc', password: 'pw-123' } as const;
    const withTls = toKafkaJsSecurity({ sasl });
    assert.deepEqual(withTls.sasl, sasl);
    assert.ok(withTls.ssl);
    const plain = toKafkaJsSecurity({ tls: false, sasl });
    assert.deepEqual(plain, { sasl });
  });

  it('keeps empty strings as "not set", as dp-kafka does', () => {
    assert.deepEqual(toKafkaJsSecurity({ caCerts: '', clientCert: ' ', clientKey: '' }).ssl?.ca, undefined);
    assert.deepEqual(getSecurityConfig('', '', '', false), { insecureSkipVerify: false });
    assert.deepEqual(getSecurityConfig('ca.pem', 'c.pem', 'k.pem', true), {
      caCerts: 'ca.pem',
      clientCert: 'c.pem',
      clientKey: 'k.pem',
      insecureSkipVerify: true,
    });
  });

  it('never mutates the caller config', () => {
    const config: SecurityConfig = {
      caCerts: pki.ca.cert.replaceAll('\n', '\\n'),
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    };
    const copy = structuredClone(config);
    toKafkaJsSecurity(config);
    assert.deepEqual(config, copy);
  });

  it('readPem reads text or a file and names the field when it cannot', () => {
    assert.equal(readPem(pki.ca.certPath), pki.ca.cert);
    const error = configError(() => readPem('/no/such.pem', 'security.caCerts'));
    assert.deepEqual(fields(error), ['security.caCerts']);
  });
});

describe('security config: validation errors name the field', () => {
  let pki: TestPki;
  before(async () => (pki = await createTestPki()));
  after(() => pki.remove());

  it('reports an unreadable file with its path and the reason', () => {
    const error = configError(() => toKafkaJsSecurity({ caCerts: '/no/such/ca.pem' }));
    assert.deepEqual(fields(error), ['security.caCerts']);
    assert.match(error.message, /"\/no\/such\/ca\.pem".*no such file/);
  });

  it('reports a file that is not PEM', () => {
    const notPem = join(pki.dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello\n');
    const error = configError(() => toKafkaJsSecurity({ clientCert: notPem, clientKey: pki.client.keyPath }));
    assert.deepEqual(fields(error), ['security.clientCert']);
    assert.match(error.message, /does not contain PEM/);
  });

  it('reports inline text that starts like PEM but has no complete block', () => {
    const error = configError(() => toKafkaJsSecurity({ caCerts: '-----BEGIN CERTIFICATE-----\nabc' }));
    assert.match(error.message, /security\.caCerts is inline PEM text without a complete/);
  });

  it('reports a CA value that holds no certificate, naming what it holds', () => {
    const error = configError(() => toKafkaJsSecurity({ caCerts: pki.ca.keyPath }));
    assert.deepEqual(fields(error), ['security.caCerts']);
    assert.match(error.message, /holds no CERTIFICATE block \(found PRIVATE KEY\)/);
  });

  it('reports a certificate whose body is corrupt', () => {
    const lines = pki.ca.cert.trim().split('\n');
    lines[3] = 'A'.repeat(lines[3]?.length ?? 64);
    const error = configError(() => toKafkaJsSecurity({ caCerts: lines.join('\n') }));
    assert.match(error.message, /security\.caCerts inline PEM: CA certificate #1 cannot be parsed/);
  });

  it('reports a key that does not match its certificate', () => {
    const error = configError(() => toKafkaJsSecurity({ clientCert: pki.client.certPath, clientKey: pki.otherClient.keyPath }));
    assert.deepEqual(fields(error), ['security.clientKey']);
    assert.match(error.message, /does not match the certificate in security\.clientCert/);
  });

  it('reports a key of another type (RSA key, EC certificate) as not matching', () => {
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = configError(() => toKafkaJsSecurity({ clientCert: pki.client.cert, clientKey: rsaKey }));
    assert.deepEqual(fields(error), ['security.clientKey']);
    assert.match(error.message, /does not match/);
  });

  it('reports a certificate without key and a key without certificate', () => {
    assert.deepEqual(fields(configError(() => toKafkaJsSecurity({ clientCert: pki.client.certPath }))), ['security.clientKey']);
    assert.deepEqual(fields(configError(() => toKafkaJsSecurity({ clientKey: pki.client.keyPath }))), ['security.clientCert']);
  });

  it('reports an encrypted private key', () => {
    const encrypted = join(pki.dir, 'enc.key');
    writeFileSync(
      encrypted,
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
    const error = configError(() => toKafkaJsSecurity({ clientCert: pki.client.certPath, clientKey: encrypted }));
    assert.match(error.message, /security\.clientKey .* holds an encrypted private key/);
  });

  it('reports missing SASL username and password and an unknown mechanism, all at once', () => {
    const bad = { sasl: { mechanism: 'gssapi', username: '', password: '' } } as unknown as SecurityConfig;
    const error = configError(() => toKafkaJsSecurity(bad));
    assert.deepEqual(fields(error), ['security.sasl.mechanism', 'security.sasl.username', 'security.sasl.password']);
  });

  it('reports TLS settings given with tls: false, and wrongly typed fields', () => {
    const bad = { tls: false, caCerts: pki.ca.certPath, insecureSkipVerify: 'yes' } as unknown as SecurityConfig;
    const error = configError(() => toKafkaJsSecurity(bad));
    assert.deepEqual(fields(error).sort(), ['security.insecureSkipVerify', 'security.tls']);
  });

  it('adds its problems to a shared checker under a chosen prefix, beside other fields', () => {
    const checker = new ConfigChecker();
    checker.require(false, 'brokers', 'is required');
    checkSecurityConfig(
      checker,
      { caCerts: '/missing.pem', sasl: { mechanism: 'plain', username: 'u', password: '' } },
      'producer.security',
    );
    const error = configError(() => checker.throwIfAny('producer'));
    assert.deepEqual(fields(error), ['brokers', 'producer.security.caCerts', 'producer.security.sasl.password']);
  });

  it('accepts a valid config in a shared checker without adding problems', () => {
    const checker = new ConfigChecker();
    checkSecurityConfig(checker, { caCerts: pki.ca.cert, clientCert: pki.client.certPath, clientKey: pki.client.key });
    checkSecurityConfig(checker, undefined);
    assert.doesNotThrow(() => checker.throwIfAny('producer'));
  });
});

describe('security config: secrets never leak', () => {
  let pki: TestPki;
  before(async () => (pki = await createTestPki()));
  after(() => pki.remove());

  const secretLines = () => [...pemBodyLines(pki.client.key), ...pemBodyLines(pki.client.cert), ...pemBodyLines(pki.ca.cert)];

  it('keeps PEM bodies out of every validation message', () => {
    const corrupt = pki.client.key.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    const errors = [
      configError(() => toKafkaJsSecurity({ clientCert: pki.client.cert, clientKey: pki.otherClient.key })),
      configError(() => toKafkaJsSecurity({ clientCert: pki.client.cert, clientKey: corrupt })),
      configError(() => toKafkaJsSecurity({ caCerts: pki.client.key })),
      // Key material without its armour line is treated as a path but must not be echoed as one.
      configError(() => toKafkaJsSecurity({ caCerts: pemBodyLines(pki.client.key).join('\n') })),
    ];
    for (const error of errors) {
      for (const line of [...secretLines(), ...pemBodyLines(pki.otherClient.key)]) {
        assert.ok(!error.message.includes(line), `message leaks PEM body: ${error.message}`);
        assert.ok(!JSON.stringify(error.logData).includes(line));
      }
    }
    assert.match(errors[3]?.message ?? '', /neither PEM text .* nor a file path/);
  });

  it('keeps the SASL password out of messages and the safe summary', () => {
    const password = 'pa55-very-secret';
    const error = configError(() => toKafkaJsSecurity({ sasl: { mechanism: 'bogus' as 'plain', username: 'svc', password } }));
    assert.ok(!error.message.includes(password));
    const summary = JSON.stringify(
      describeSecurity({
        clientCert: pki.client.cert,
        clientKey: pki.client.keyPath,
        sasl: { mechanism: 'plain', username: 'svc', password },
      }),
    );
    assert.ok(!summary.includes(password));
    for (const line of secretLines()) assert.ok(!summary.includes(line));
    assert.match(summary, /"clientCert":"inline PEM"/);
    assert.match(summary, /"mutualTls":true/);
  });
});
