import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_CERT_EXTENSIONS, selfSignedCa, signed } from '../../../scripts/kafka/certs.js';

/** Paths and PEM text of one certificate with its key. */
export interface TestCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/** A throw-away PKI for unit tests: two CAs, a client of each, written to a temp dir. */
export interface TestPki {
  readonly dir: string;
  readonly ca: TestCert;
  readonly otherCa: TestCert;
  readonly client: TestCert;
  readonly otherClient: TestCert;
  remove(): void;
}

/** Creates EC keys and certificates with the harness's openssl helpers (nothing is committed to git). */
export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sec-unit-'));
  const ca = await selfSignedCa(dir, 'ca', '/CN=ca', 'ec');
  const otherCa = await selfSignedCa(dir, 'other-ca', '/CN=other-ca', 'ec');
  const client = await signed(dir, 'client', '/CN=client.subnet.example', ca, CLIENT_CERT_EXTENSIONS, 'ec');
  const otherClient = await signed(dir, 'other-client', '/CN=other-client.subnet.example', otherCa, CLIENT_CERT_EXTENSIONS, 'ec');
  const cert = (files: typeof ca): TestCert => ({
    certPath: files.certPath,
    keyPath: files.keyPath,
    cert: files.certPem,
    key: files.keyPem,
  });
  return {
    dir,
    ca: cert(ca),
    otherCa: cert(otherCa),
    client: cert(client),
    otherClient: cert(otherClient),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The base64 body lines of a PEM text: what must never appear in a message or log. */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}
