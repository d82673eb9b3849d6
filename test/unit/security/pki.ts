import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Creates EC keys and certificates with the openssl CLI (fast; nothing is committed to git). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sec-unit-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const keyOf = (name: string) => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const read = (name: string): TestCert => ({
    certPath: join(dir, `${name}.pem`),
    keyPath: join(dir, `${name}.key`),
    cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
  });
  const makeCa = (name: string) => {
    keyOf(name);
    ssl('req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', `/CN=${name}`);
  };
  const makeClient = (name: string, ca: string) => {
    keyOf(name);
    ssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}.subnet.example`);
    writeFileSync(join(dir, `${name}.ext`), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '3650',
      '-extfile',
      `${name}.ext`,
    );
  };
  makeCa('ca');
  makeCa('other-ca');
  makeClient('client', 'ca');
  makeClient('other-client', 'other-ca');
  return {
    dir,
    ca: read('ca'),
    otherCa: read('other-ca'),
    client: read('client'),
    otherClient: read('other-client'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The base64 body lines of a PEM text: what must never appear in a message or log. */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}
