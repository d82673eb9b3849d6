/**
 * A schema registry behind TLS, for the registry client's TLS tests: its own Apicurio serving
 * HTTPS (the shared test registry is plain HTTP) with a fresh test CA and a server certificate
 * for 127.0.0.1, plus a second CA nobody trusts. Apicurio cannot require client certificates
 * (Quarkus fixes `quarkus.http.ssl.client-auth` at build time, and Apicurio's build says NONE), so
 * mutual TLS is served by a small Node TLS front (`tls.createServer`, `requestCert`) that passes
 * the bytes on to the same registry. Certificates are EC P-256 (fast to make) from the harness's
 * signer (`scripts/kafka/certs.ts`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { CLIENT_CERT_EXTENSIONS, selfSignedCa, signed, type CertificateFiles } from '../../scripts/kafka/certs.js';
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';
import { CCOMPAT_PATH } from '../../scripts/registry/apicurio.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../scripts/registry/schema-registry.js';
import { useStarted } from './use-started.js';

/** A running TLS registry and the certificates to reach it with. */
export interface TlsTestRegistry {
  /** The Confluent-compatible API over Apicurio's own HTTPS (`https://127.0.0.1:<port>/apis/ccompat/v7`). */
  readonly httpsCcompatUrl: string;
  /** The same API behind the mutual-TLS front: a client certificate signed by {@link ca} is required. */
  readonly mtlsCcompatUrl: string;
  /** The Confluent-compatible API over plain HTTP (the same registry). */
  readonly ccompatUrl: string;
  /** The CA that signed the server and client certificates. */
  readonly ca: CertificateFiles;
  /** A client certificate the mutual-TLS front accepts. */
  readonly client: CertificateFiles;
  /** A CA that signed nothing the registry uses: trusting only it must fail. */
  readonly otherCa: CertificateFiles;
  /** A client certificate signed by {@link otherCa}: the mutual-TLS front refuses it. */
  readonly untrustedClient: CertificateFiles;
  readonly registry: RunningSchemaRegistry;
  /** Stops the front and the registry and deletes the certificates. */
  close(): Promise<void>;
}

/** Makes the certificates, starts the registry with HTTPS and the mutual-TLS front before it. */
export async function startTlsRegistry(): Promise<TlsTestRegistry> {
  killBrokersOnSignals(); // also kills tracked registry JVMs on Ctrl-C
  const dir = await mkdtemp(join(tmpdir(), 'registry-tls-'));
  try {
    const ca = await selfSignedCa(dir, 'ca', '/O=test/CN=registry-test-ca', 'ec');
    const otherCa = await selfSignedCa(dir, 'other-ca', '/O=elsewhere/CN=other-ca', 'ec');
    const server = await signed(
      dir,
      'registry',
      '/O=test/CN=registry',
      ca,
      ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth', 'basicConstraints=CA:FALSE'],
      'ec',
    );
    const client = await signed(dir, 'client', '/O=test/CN=registry-client', ca, CLIENT_CERT_EXTENSIONS, 'ec');
    const untrustedClient = await signed(dir, 'untrusted-client', '/O=test/CN=registry-client', otherCa, CLIENT_CERT_EXTENSIONS, 'ec');
    const registry = await startSchemaRegistry({ https: { certFile: server.certPath, keyFile: server.keyPath } });
    const front = await startMutualTlsFront(server, ca, new URL(registry.url));
    return {
      httpsCcompatUrl: `${registry.httpsUrl!}${CCOMPAT_PATH}`,
      mtlsCcompatUrl: `https://127.0.0.1:${(front.address() as AddressInfo).port}${CCOMPAT_PATH}`,
      ccompatUrl: `${registry.url}${CCOMPAT_PATH}`,
      ca,
      client,
      otherCa,
      untrustedClient,
      registry,
      close: async () => {
        await new Promise<void>((resolve) => front.close(() => resolve()));
        await registry.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts the TLS registry before the calling file's tests and stops it after them; the function gives it inside a test. */
export function useTlsRegistry(): () => TlsTestRegistry {
  return useStarted('the TLS test registry', startTlsRegistry);
}

/** A TLS server that requires a client certificate signed by `ca` and pipes each connection to `target`. */
async function startMutualTlsFront(server: CertificateFiles, ca: CertificateFiles, target: URL): Promise<Server> {
  const front = createServer(
    { cert: server.certPem, key: server.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true },
    (socket) => {
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      const end = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end);
      upstream.on('error', end);
    },
  );
  // A refused handshake is the point of some tests, not a failure of the front.
  front.on('tlsClientError', () => undefined);
  // Clients keep connections alive: close() destroys them, or it would wait for them.
  const open = new Set<Socket>();
  front.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  const close = front.close.bind(front);
  front.close = (callback) => {
    for (const socket of open) socket.destroy();
    return close(callback);
  };
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return front;
}
