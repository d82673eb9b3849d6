/**
 * Fetches Apache Kafka's runtime jars from Maven Central with Maven and caches them per version in
 * `.kafka/dist/<version>/libs`. A marker file is written only after a complete fetch, so an
 * interrupted download is never mistaken for a usable cache. A lock (fetch-lock.ts) keeps parallel
 * test processes from fetching the same version twice.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JarFetchError } from './errors.js';
import { acquireFetchLock, releaseFetchLock } from './fetch-lock.js';
import { pomPath, versionDir } from './paths.js';
import { checkJava, checkMaven, runCommand, tail } from './tools.js';
import { loggingFor, type KafkaVersion } from './versions.js';

/** The plugin version to pin: Maven 3.8's super POM would otherwise pick the ancient 2.8. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
/** Marker file name; its presence means the libs folder is complete. */
const MARKER = 'complete.json';

/** Result of {@link ensureKafkaJars}. */
export interface KafkaJars {
  /** Folder with every runtime jar; use `<libsDir>/*` as the JVM class path. */
  readonly libsDir: string;
  /** True when the jars came from the cache. */
  readonly cached: boolean;
  /** Wall time spent, in milliseconds. */
  readonly elapsedMs: number;
}

/** Where the jars of a version live, and whether the cache is complete. */
export function cachedJars(version: KafkaVersion): { libsDir: string; complete: boolean } {
  const dir = versionDir(version.text);
  return { libsDir: join(dir, 'libs'), complete: existsSync(join(dir, MARKER)) };
}

/**
 * Returns the version's jar folder, downloading it first when the cache is missing or incomplete.
 * Throws {@link MissingToolError} without java or mvn and {@link JarFetchError} when Maven fails.
 */
export async function ensureKafkaJars(
  version: KafkaVersion,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<KafkaJars> {
  const started = Date.now();
  const cache = cachedJars(version);
  if (cache.complete) return { libsDir: cache.libsDir, cached: true, elapsedMs: Date.now() - started };

  const dir = versionDir(version.text);
  await mkdir(dir, { recursive: true });
  const lockDir = join(dir, 'fetch.lock');
  if (!(await acquireFetchLock(lockDir, () => cachedJars(version).complete, `Kafka ${version.text}`))) {
    return { libsDir: cache.libsDir, cached: true, elapsedMs: Date.now() - started };
  }
  try {
    if (cachedJars(version).complete) return { libsDir: cache.libsDir, cached: true, elapsedMs: Date.now() - started };
    await checkJava();
    await checkMaven();
    log(`[kafka-harness] fetching Apache Kafka ${version.text} jars from Maven Central (once per version)...`);
    await downloadInto(version, dir);
    log(`[kafka-harness] Kafka ${version.text} jars cached in ${cache.libsDir} (${Math.round((Date.now() - started) / 1000)} s)`);
    return { libsDir: cache.libsDir, cached: false, elapsedMs: Date.now() - started };
  } finally {
    await releaseFetchLock(lockDir);
  }
}

/** Runs Maven into a scratch folder, checks the result, then moves it into place and writes the marker. */
async function downloadInto(version: KafkaVersion, dir: string): Promise<void> {
  const logging = loggingFor(version);
  const partial = join(dir, 'libs.partial');
  const libs = join(dir, 'libs');
  await rm(partial, { recursive: true, force: true });
  const args = [
    '-B',
    '-ntp',
    '-f',
    pomPath,
    DEPENDENCY_PLUGIN,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${partial}`,
    `-Dkafka.version=${version.text}`,
    '-P',
    logging.mavenProfile,
    ...Object.entries(logging.mavenProperties).map(([k, v]) => `-D${k}=${v}`),
  ];
  const { code, output } = await runCommand('mvn', args);
  if (code !== 0) throw new JarFetchError(version.text, `mvn exited with ${code}`, tail(output, 30));
  const jars = existsSync(partial) ? (await readdir(partial)).filter((f) => f.endsWith('.jar')) : [];
  if (!jars.includes(`kafka_2.13-${version.text}.jar`)) {
    throw new JarFetchError(version.text, `kafka_2.13-${version.text}.jar is missing from the download`, tail(output, 30));
  }
  await rm(libs, { recursive: true, force: true });
  await rename(partial, libs);
  await writeFile(
    join(dir, MARKER),
    `${JSON.stringify({ version: version.text, jars: jars.length, fetchedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}
