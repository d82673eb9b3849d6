/**
 * A schema registry for tests: the one in `SCHEMA_REGISTRY_URL` when set (nothing is started),
 * otherwise an Apicurio Registry started for the calling test file and stopped in its `after`
 * hook. `npm test` starts one registry for the whole run when a selected file imports this module
 * (`scripts/run-tests.ts`) and sets `SCHEMA_REGISTRY_URL`, so every file shares it: tests stay
 * apart by unique subjects (`uniqueName`). A file run on its own starts its own.
 */
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';
import { CCOMPAT_PATH } from '../../scripts/registry/apicurio.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../scripts/registry/schema-registry.js';
import { useStarted } from './use-started.js';

/** A registry a test can use, and how to release it. */
export interface TestSchemaRegistry {
  /** Base URL (no trailing slash). */
  readonly url: string;
  /** Base URL of the Confluent-compatible API (`<url>/apis/ccompat/v7`). */
  readonly ccompatUrl: string;
  /** The registry this call started; undefined when it came from `SCHEMA_REGISTRY_URL`. */
  readonly started: RunningSchemaRegistry | undefined;
  /** Stops the registry this call started (a no-op for an external one). */
  close(): Promise<void>;
}

/**
 * The external registry, or a fresh one. `SCHEMA_REGISTRY_URL` is the registry's base URL (the
 * Confluent-compatible API is at `/apis/ccompat/v7` below it, as on Apicurio).
 */
export async function startTestRegistry(env: NodeJS.ProcessEnv = process.env): Promise<TestSchemaRegistry> {
  const external = env.SCHEMA_REGISTRY_URL?.trim().replace(/\/+$/, '');
  if (external) {
    return { url: external, ccompatUrl: `${external}${CCOMPAT_PATH}`, started: undefined, close: async () => undefined };
  }
  killBrokersOnSignals(); // also kills tracked registry JVMs on Ctrl-C
  const registry = await startSchemaRegistry();
  return { url: registry.url, ccompatUrl: `${registry.url}${CCOMPAT_PATH}`, started: registry, close: () => registry.close() };
}

/**
 * Starts a registry before the calling file's tests and stops it after them (node:test hooks);
 * the returned function gives the running registry inside a test.
 */
export function useTestRegistry(): () => TestSchemaRegistry {
  return useStarted('the test registry', () => startTestRegistry());
}
