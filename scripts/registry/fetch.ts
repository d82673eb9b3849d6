/**
 * Fetches Apicurio Registry's distribution from Maven Central with Maven (which caches the tarball
 * in the local repository) and unpacks it once into `.kafka/registry/<version>/app`. A marker file
 * is written only after a complete unpack, so an interrupted one is never mistaken for a usable
 * copy; the same lock as Kafka's jars keeps parallel processes from fetching twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fetchedOnce, fetchOnce } from '../kafka/fetch-once.js';
import { checkJavaAndMaven, runCommand, tail } from '../kafka/tools.js';
import { APICURIO_VERSION, apicurioArtifact, runnerJarName } from './apicurio.js';
import { RegistryFetchError } from './errors.js';
import { registryAppDir, registryVersionDir, runnerJarPath } from './paths.js';

/** The plugin version to pin: Maven 3.8's super POM would otherwise pick the ancient 2.8. */
const UNPACK_GOAL = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack';
/** Result of {@link ensureRegistry}. */
export interface RegistryDistribution {
  /** The jar to run with `java -jar`. */
  readonly runnerJar: string;
  /** True when the distribution was already unpacked. */
  readonly cached: boolean;
  /** Wall time spent, in milliseconds. */
  readonly elapsedMs: number;
}

/** True when the release is unpacked completely. */
export function registryCached(version = APICURIO_VERSION): boolean {
  return fetchedOnce(registryVersionDir(version));
}

/** Maven's arguments to download and unpack a release into `outputDir` (pure; unit-tested). */
export function unpackArgs(outputDir: string, version = APICURIO_VERSION): string[] {
  // overWriteReleases: the plugin keeps "already unpacked" markers outside outputDir (for a
  // stand-alone run, under /tmp), so without it a second fetch on the same machine, from another
  // clone or after `.kafka/` was deleted, unpacks nothing (seen in CI).
  return [
    '-B',
    '-ntp',
    UNPACK_GOAL,
    `-Dartifact=${apicurioArtifact(version)}`,
    `-DoutputDirectory=${outputDir}`,
    '-Dmdep.overWriteReleases=true',
  ];
}

/**
 * Returns the runner jar, downloading and unpacking the release first when needed. Throws
 * `MissingToolError` without java or mvn and {@link RegistryFetchError} when Maven fails.
 */
export async function ensureRegistry(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  version = APICURIO_VERSION,
): Promise<RegistryDistribution> {
  const started = Date.now();
  const fetched = await fetchOnce({
    cacheDir: registryVersionDir(version),
    folder: 'app',
    what: `Apicurio Registry ${version}`,
    checkTools: checkJavaAndMaven,
    onStart: () => log(`[registry-harness] fetching Apicurio Registry ${version} (about 140 MB) from Maven Central (once)...`),
    fetchInto: (partial) => unpackInto(version, partial),
  });
  if (fetched) {
    log(
      `[registry-harness] Apicurio Registry ${version} unpacked in ${registryAppDir(version)} (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  return { runnerJar: runnerJarPath(version), cached: !fetched, elapsedMs: Date.now() - started };
}

/** Unpacks into the scratch folder `partial` and checks the runner jar is there; returns the marker's facts. */
async function unpackInto(version: string, partial: string): Promise<Record<string, unknown>> {
  const { code, output } = await runCommand('mvn', unpackArgs(partial, version));
  if (code !== 0) throw new RegistryFetchError(version, `mvn exited with ${code}`, tail(output, 30));
  if (!existsSync(join(partial, runnerJarName(version)))) {
    throw new RegistryFetchError(version, `${runnerJarName(version)} is missing from the download`, tail(output, 30));
  }
  return { version };
}
