/** The state file of the background registry that `npm run registry:up` starts (`.kafka/run/registry.json`). */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { registryStateFile } from './paths.js';

/** What `registry:up` records about the background registry. */
export interface RegistryState {
  /** Process id of the daemon that owns the registry. */
  readonly pid: number;
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Apicurio release it runs. */
  readonly version: string;
  readonly startedAt: string;
}

/** Reads the state, or undefined when there is none or it is unreadable. */
export async function readRegistryState(): Promise<RegistryState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(registryStateFile, 'utf8')) as Partial<RegistryState>;
    if (typeof parsed.pid === 'number' && typeof parsed.url === 'string' && typeof parsed.version === 'string') {
      return { pid: parsed.pid, url: parsed.url, version: parsed.version, startedAt: String(parsed.startedAt) };
    }
  } catch {
    // Missing or half-written: treat as no state.
  }
  return undefined;
}

/** Records a running registry. */
export async function writeRegistryState(state: RegistryState): Promise<void> {
  await mkdir(dirname(registryStateFile), { recursive: true });
  await writeFile(`${registryStateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${registryStateFile}.tmp`, registryStateFile);
}

/** Removes the state (the registry is gone). */
export async function clearRegistryState(): Promise<void> {
  await rm(registryStateFile, { force: true });
}
