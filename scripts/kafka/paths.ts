/** Where the harness keeps its files. Everything lives under the git-ignored `.kafka/` folder. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (this file runs from `dist/scripts/kafka/`). */
export const projectRoot = resolve(here, '..', '..', '..');

/** Root of the harness's git-ignored state. `KAFKA_HARNESS_HOME` overrides it. */
export const harnessHome = resolve(process.env.KAFKA_HARNESS_HOME ?? join(projectRoot, '.kafka'));

/** The POM that lists Kafka's runtime jars (read from the sources, not from dist/). */
export const pomPath = join(projectRoot, 'scripts', 'kafka', 'pom.xml');

/** Folder holding one Kafka version's jars and its completion marker. */
export function versionDir(version: string): string {
  return join(harnessHome, 'dist', version);
}

/** State of the background broker started by `npm run kafka:up`. */
export const runDir = join(harnessHome, 'run');

/** The compiled guard script that every broker JVM is launched through. */
export const guardScript = join(here, 'guard.js');

/** The compiled daemon that keeps the `kafka:up` broker alive in the background. */
export const daemonScript = join(here, 'daemon.js');
