/** The registry's `java` command line (pure, so it is unit-tested). */
import { LOOPBACK } from '../kafka/ports.js';

/**
 * JVM options for a test registry: a small heap, the serial GC and the C1 compiler only, which
 * starts Quarkus faster on a busy 2-core machine than the defaults do.
 */
export const REGISTRY_JVM_OPTIONS: readonly string[] = [
  '-Xms64m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];

/**
 * An HTTPS listener beside the plain one (Quarkus serves both; readiness keeps using plain HTTP),
 * from a PEM certificate and key. Client certificates cannot be required: Quarkus fixes
 * `quarkus.http.ssl.client-auth` when the application is built, and Apicurio's build leaves it off.
 */
export interface RegistryHttps {
  /** HTTPS port, bound on the loopback address. */
  readonly port: number;
  /** The server's PEM certificate (its SAN must name 127.0.0.1 for clients to accept it). */
  readonly certFile: string;
  /** The server's PEM private key (PKCS#8). */
  readonly keyFile: string;
}

/** How to launch one registry. */
export interface RegistryCommandLine {
  /** The distribution's runner jar. */
  readonly runnerJar: string;
  /** HTTP port, bound on the loopback address only. */
  readonly port: number;
  /** Replaces {@link REGISTRY_JVM_OPTIONS}. */
  readonly jvmOptions?: readonly string[];
  /** Also serve HTTPS. */
  readonly https?: RegistryHttps;
}

/** Arguments of `java` for the registry: in-memory storage (Apicurio's default), loopback only. */
export function registryJavaArgs(options: RegistryCommandLine): string[] {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
    throw new RangeError(`the registry port must be an integer in 1..65535, got ${options.port}`);
  }
  return [
    ...(options.jvmOptions ?? REGISTRY_JVM_OPTIONS),
    `-Dquarkus.http.port=${options.port}`,
    `-Dquarkus.http.host=${LOOPBACK}`,
    ...(options.https ? httpsArgs(options.https) : []),
    '-jar',
    options.runnerJar,
  ];
}

function httpsArgs(https: RegistryHttps): string[] {
  return [
    `-Dquarkus.http.ssl-port=${https.port}`,
    `-Dquarkus.http.ssl.certificate.files=${https.certFile}`,
    `-Dquarkus.http.ssl.certificate.key-files=${https.keyFile}`,
  ];
}

/** Base URL of a registry on this machine. */
export function registryUrl(port: number, protocol: 'http' | 'https' = 'http'): string {
  return `${protocol}://${LOOPBACK}:${port}`;
}
