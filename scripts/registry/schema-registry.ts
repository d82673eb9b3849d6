/**
 * One running schema registry (Apicurio, in-memory storage) behind the guard process, so no JVM
 * outlives the process that started it. Start with {@link startSchemaRegistry}, stop with `close()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, GuardedJvm } from '../kafka/guarded-jvm.js';
import { assertPortFree, freePort } from '../kafka/ports.js';
import { registryJavaArgs, registryUrl, type RegistryHttps } from './command-line.js';
import { RegistryStartError } from './errors.js';
import { ensureRegistry } from './fetch.js';
import { waitForRegistry } from './readiness.js';

/** Default limit for start-up (fetch excluded): Quarkus starts in 10–30 s on a busy machine. */
export const DEFAULT_REGISTRY_START_TIMEOUT_MS = 120_000;

/** Options of {@link startSchemaRegistry}. */
export interface SchemaRegistryOptions {
  /** HTTP port; a free one by default. */
  readonly port?: number;
  /** Also append the JVM's output to this file. */
  readonly logFile?: string;
  /** Start-up limit in milliseconds (default {@link DEFAULT_REGISTRY_START_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Also serve HTTPS with these certificates (the port is chosen when not given). */
  readonly https?: Omit<RegistryHttps, 'port'> & { readonly port?: number };
}

/** A registry this process started. */
export interface RunningSchemaRegistry {
  /** Base URL, `http://127.0.0.1:<port>`; the Confluent-compatible API is under `/apis/ccompat/v7`. */
  readonly url: string;
  /** Base URL of the HTTPS listener, `https://127.0.0.1:<port>`, when `https` was asked for. */
  readonly httpsUrl: string | undefined;
  /** The JVM (its guard's pid, `running`, `exited`, log tail). */
  readonly jvm: GuardedJvm;
  /** Milliseconds from launch to the first 200 of the readiness check. */
  readonly startMs: number;
  /** Graceful stop; resolves when the JVM is gone. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Fetches the registry if needed, starts it and waits until its Confluent-compatible API answers.
 * Throws `PortTakenError` for a taken `port` and {@link RegistryStartError} when the JVM exits or
 * does not answer in time (the JVM is stopped then).
 */
export async function startSchemaRegistry(options: SchemaRegistryOptions = {}): Promise<RunningSchemaRegistry> {
  // A taken port is reported before any download or JVM start.
  if (options.port !== undefined) await assertPortFree(options.port);
  const { runnerJar } = await ensureRegistry();
  const port = options.port ?? (await freePort());
  const https = options.https && { ...options.https, port: options.https.port ?? (await freePort()) };
  const timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_START_TIMEOUT_MS;
  // Apicurio keeps everything in memory; this folder only gives the guard something to clean.
  const workDir = await mkdtemp(join(tmpdir(), 'schema-registry-'));
  const jvm = new GuardedJvm({ javaArgs: registryJavaArgs({ runnerJar, port, https }), cleanupDir: workDir, logFile: options.logFile });
  const url = registryUrl(port);
  const launched = Date.now();
  const close = async (): Promise<void> => {
    await jvm.stop();
    await rm(workDir, { recursive: true, force: true });
  };
  const problem = await waitForRegistry(url, launched + timeoutMs, jvm.exited);
  if (problem !== undefined) {
    const exit = jvm.running ? undefined : await jvm.exited;
    await close();
    throw new RegistryStartError(
      exit ? `its JVM exited (${describeExit(exit)})` : `not ready within ${timeoutMs} ms (${problem})`,
      jvm.log.text(),
    );
  }
  return { url, httpsUrl: https && registryUrl(https.port, 'https'), jvm, startMs: Date.now() - launched, close };
}
