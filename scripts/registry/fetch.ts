/**
 * Fetches Apicurio Registry's distribution from Maven Central with Maven (which caches the tarball
 * in the local repository) and unpacks it once into `.kafka/registry/<version>/app`. A marker file
 * is written only after a complete unpack, so an interrupted one is never mistaken for a usable
 * copy; the same lock as Kafka's jars keeps parallel processes from fetching twice.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireFetchLock, releaseFetchLock } from '../kafka/fetch-lock.js';
import { checkJava, checkMaven, runCommand, tail } from '../kafka/tools.js';
import { APICURIO_VERSION, apicurioArtifact, runnerJarName } from './apicurio.js';
import { RegistryFetchError } from './errors.js';
import { registryAppDir, registryVersionDir, runnerJarPath } from './paths.js';

/** The plugin version to pin: Maven 3.8's super POM would otherwise pick the ancient 2.8. */
const UNPACK_GOAL = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack';
/** Marker file name; its presence means the unpacked distribution is complete. */
const MARKER = 'complete.json';

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
  return existsSync(join(registryVersionDir(version), MARKER));
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
  const done = (cached: boolean): RegistryDistribution => ({ runnerJar: runnerJarPath(version), cached, elapsedMs: Date.now() - started });
  if (registryCached(version)) return done(true);

  const dir = registryVersionDir(version);
  await mkdir(dir, { recursive: true });
  const lockDir = join(dir, 'fetch.lock');
  if (!(await acquireFetchLock(lockDir, () => registryCached(version), `Apicurio Registry ${version}`))) return done(true);
  try {
    if (registryCached(version)) return done(true);
    await checkJava();
    await checkMaven();
    log(`[registry-harness] fetching Apicurio Registry ${version} (about 140 MB) from Maven Central (once)...`);
    await unpackInto(version, dir);
    log(
      `[registry-harness] Apicurio Registry ${version} unpacked in ${registryAppDir(version)} (${Math.round((Date.now() - started) / 1000)} s)`,
    );
    return done(false);
  } finally {
    await releaseFetchLock(lockDir);
  }
}

/** Unpacks into a scratch folder, checks the runner jar is there, then moves it into place. */
async function unpackInto(version: string, dir: string): Promise<void> {
  const partial = join(dir, 'app.partial');
  await rm(partial, { recursive: true, force: true });
  const { code, output } = await runCommand('mvn', unpackArgs(partial, version));
  if (code !== 0) throw new RegistryFetchError(version, `mvn exited with ${code}`, tail(output, 30));
  if (!existsSync(join(partial, runnerJarName(version)))) {
    throw new RegistryFetchError(version, `${runnerJarName(version)} is missing from the download`, tail(output, 30));
  }
  const app = registryAppDir(version);
  await rm(app, { recursive: true, force: true });
  await rename(partial, app);
  await writeFile(join(dir, MARKER), `${JSON.stringify({ version, fetchedAt: new Date().toISOString() }, null, 2)}\n`);
}
