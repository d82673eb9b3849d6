/** Where the schema-registry harness keeps its files: beside Kafka's, under the git-ignored `.kafka/`. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessHome, runDir } from '../kafka/paths.js';
import { APICURIO_VERSION, runnerJarName } from './apicurio.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Folder of one Apicurio release: its unpacked distribution and completion marker. */
export function registryVersionDir(version = APICURIO_VERSION): string {
  return join(harnessHome, 'registry', version);
}

/** The unpacked distribution of a release. */
export function registryAppDir(version = APICURIO_VERSION): string {
  return join(registryVersionDir(version), 'app');
}

/** The runnable jar of a release. */
export function runnerJarPath(version = APICURIO_VERSION): string {
  return join(registryAppDir(version), runnerJarName(version));
}

/** State file of the background registry started by `npm run registry:up`. */
export const registryStateFile = join(runDir, 'registry.json');

/** Where the background registry and its daemon write their output. */
export const registryLogFile = join(runDir, 'registry.log');

/** The compiled daemon that keeps the `registry:up` registry alive in the background. */
export const registryDaemonScript = join(here, 'daemon.js');
