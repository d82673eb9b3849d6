/**
 * A throwaway PKI for the TLS broker, generated with `openssl` at run time: a test CA, the broker's
 * certificate (SAN localhost + 127.0.0.1), an allowed client `CN=app`, an admin client (a Kafka
 * super user), and a client with the same subject as `app` but signed by ANOTHER CA, which the
 * broker must refuse during the handshake. Keys are unencrypted PKCS#8 (`BEGIN PRIVATE KEY`), the
 * only PEM key form Kafka's keystore loader accepts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaHarnessError } from './errors.js';
import { checkOpenssl, runCommand, tail } from './tools.js';

/** Validity of every generated certificate. */
const VALIDITY_DAYS = '30';

/** Key algorithm of a generated certificate: RSA 2048 (what the broker uses) or EC P-256 (fast). */
export type TestKeyType = 'rsa' | 'ec';

const NEW_KEY_ARGS: Record<TestKeyType, readonly string[]> = {
  rsa: ['-newkey', 'rsa:2048'],
  ec: ['-newkey', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
};

/** Extensions of a client certificate (TLS client authentication, not a CA). */
export const CLIENT_CERT_EXTENSIONS: readonly string[] = ['extendedKeyUsage=clientAuth', 'basicConstraints=CA:FALSE'];

/** A certificate, its key, and where both are on disk. */
export interface CertificateFiles {
  /** PEM certificate file. */
  readonly certPath: string;
  /** PEM PKCS#8 private key file. */
  readonly keyPath: string;
  /** Certificate PEM text. */
  readonly certPem: string;
  /** Private key PEM text. */
  readonly keyPem: string;
  /** Subject in RFC 2253 order (most specific first), e.g. `CN=app,OU=clients,O=test`. */
  readonly subject: string;
  /** The Kafka principal a broker derives from it with the default mapping: `User:<subject>`. */
  readonly principal: string;
}

/** Everything the TLS topology generates. */
export interface TestCertificates {
  /** Folder holding every file. */
  readonly dir: string;
  /** The CA the broker trusts (clients trust it too). */
  readonly ca: CertificateFiles;
  /** The broker's certificate (SAN DNS:localhost, IP:127.0.0.1). */
  readonly server: CertificateFiles;
  /** Broker keystore: key and certificate in one PEM file, as Kafka's PEM keystore wants. */
  readonly serverKeystorePath: string;
  /** Allowed client `CN=app,OU=clients,O=test`; has no ACLs until a test grants them. */
  readonly client: CertificateFiles;
  /** Admin client `CN=admin,OU=clients,O=test`; a super user, may grant ACLs. */
  readonly admin: CertificateFiles;
  /** A CA the broker does NOT trust. */
  readonly otherCa: CertificateFiles;
  /** Client with the same subject as {@link client}, signed by {@link otherCa}: the handshake must fail. */
  readonly untrustedClient: CertificateFiles;
}

/** Generates the whole set into `<dir>/certs`. Throws {@link MissingToolError} without openssl. */
export async function generateCertificates(parentDir: string): Promise<TestCertificates> {
  await checkOpenssl();
  const dir = join(parentDir, 'certs');
  await mkdir(dir, { recursive: true });
  const ca = await selfSignedCa(dir, 'ca', '/O=test/CN=test-ca');
  const otherCa = await selfSignedCa(dir, 'other-ca', '/O=elsewhere/CN=other-ca');
  const server = await signed(dir, 'broker', '/O=test/OU=kafka/CN=broker', ca, [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'extendedKeyUsage=serverAuth,clientAuth',
    'basicConstraints=CA:FALSE',
  ]);
  const client = await signed(dir, 'app', '/O=test/OU=clients/CN=app', ca, CLIENT_CERT_EXTENSIONS);
  const admin = await signed(dir, 'admin', '/O=test/OU=clients/CN=admin', ca, CLIENT_CERT_EXTENSIONS);
  const untrustedClient = await signed(dir, 'untrusted-app', '/O=test/OU=clients/CN=app', otherCa, CLIENT_CERT_EXTENSIONS);
  const serverKeystorePath = join(dir, 'broker-keystore.pem');
  await writeFile(serverKeystorePath, server.keyPem + server.certPem);
  return { dir, ca, server, serverKeystorePath, client, admin, otherCa, untrustedClient };
}

async function openssl(args: string[]): Promise<void> {
  const { code, output } = await runCommand('openssl', args);
  if (code !== 0) throw new KafkaHarnessError(`openssl ${args[0]} failed while generating test certificates:\n${tail(output, 15)}`);
}

/** `/O=test/OU=clients/CN=app` -> `CN=app,OU=clients,O=test` (RFC 2253 order, as Kafka prints it). */
function rfc2253(subject: string): string {
  return subject.split('/').filter(Boolean).reverse().join(',');
}

async function load(dir: string, name: string, subject: string): Promise<CertificateFiles> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const dn = rfc2253(subject);
  return {
    certPath,
    keyPath,
    certPem: await readFile(certPath, 'utf8'),
    keyPem: await readFile(keyPath, 'utf8'),
    subject: dn,
    principal: `User:${dn}`,
  };
}

/** A self-signed CA `<dir>/<name>.crt` + `.key` with subject `subject` (`/O=…/CN=…` form). */
export async function selfSignedCa(dir: string, name: string, subject: string, keyType: TestKeyType = 'rsa'): Promise<CertificateFiles> {
  await openssl([
    'req',
    '-x509',
    ...NEW_KEY_ARGS[keyType],
    '-nodes',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.crt`),
    '-days',
    VALIDITY_DAYS,
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return load(dir, name, subject);
}

/** A certificate `<dir>/<name>.crt` + `.key` with subject `subject`, signed by `issuer`. */
export async function signed(
  dir: string,
  name: string,
  subject: string,
  issuer: Pick<CertificateFiles, 'certPath' | 'keyPath'>,
  extensions: readonly string[],
  keyType: TestKeyType = 'rsa',
): Promise<CertificateFiles> {
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await openssl(['req', ...NEW_KEY_ARGS[keyType], '-nodes', '-keyout', join(dir, `${name}.key`), '-out', csr, '-subj', subject]);
  await writeFile(ext, `${extensions.join('\n')}\n`);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    issuer.certPath,
    '-CAkey',
    issuer.keyPath,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-out',
    join(dir, `${name}.crt`),
    '-days',
    VALIDITY_DAYS,
    '-sha256',
    '-extfile',
    ext,
  ]);
  return load(dir, name, subject);
}
