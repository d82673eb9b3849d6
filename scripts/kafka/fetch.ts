/**
 * Fetches Apache Kafka's runtime jars from Maven Central with Maven and caches them per version in
 * `.kafka/dist/<version>/libs`. A marker file is written only after a complete fetch, so an
 * interrupted download is never mistaken for a usable cache. A lock (fetch-lock.ts) keeps parallel
 * test processes from fetching the same version twice.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { JarFetchError } from './errors.js';
import { fetchedOnce, fetchOnce } from './fetch-once.js';
import { pomPath, versionDir } from './paths.js';
import { checkJavaAndMaven, runCommand, tail } from './tools.js';
import { loggingFor, type KafkaVersion } from './versions.js';

/** The plugin version to pin: Maven 3.8's super POM would otherwise pick the ancient 2.8. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
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
  return { libsDir: join(dir, 'libs'), complete: fetchedOnce(dir) };
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
  const { libsDir } = cachedJars(version);
  const fetched = await fetchOnce({
    cacheDir: versionDir(version.text),
    folder: 'libs',
    what: `Kafka ${version.text}`,
    checkTools: checkJavaAndMaven,
    onStart: () => log(`[kafka-harness] fetching Apache Kafka ${version.text} jars from Maven Central (once per version)...`),
    fetchInto: (partial) => downloadInto(version, partial),
  });
  if (fetched) log(`[kafka-harness] Kafka ${version.text} jars cached in ${libsDir} (${Math.round((Date.now() - started) / 1000)} s)`);
  return { libsDir, cached: !fetched, elapsedMs: Date.now() - started };
}

/** Runs Maven into the scratch folder `partial` and checks the result; returns the marker's facts. */
async function downloadInto(version: KafkaVersion, partial: string): Promise<Record<string, unknown>> {
  const logging = loggingFor(version);
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
  return { version: version.text, jars: jars.length };
}
