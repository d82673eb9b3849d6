/**
 * The schema registry the harness runs: Apicurio Registry, pinned. 2.6.x is the last line that runs
 * on Java 17 (3.x needs Java 21); its Confluent-compatible API serves the Confluent clients.
 */

/** Pinned Apicurio Registry release. */
export const APICURIO_VERSION = '2.6.13.Final';

/** Maven coordinates of the self-contained distribution (`group:artifact:version:type:classifier`). */
export function apicurioArtifact(version = APICURIO_VERSION): string {
  return `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
}

/** The runnable jar at the top of a release's unpacked distribution (its libs sit in `lib/` beside it). */
export function runnerJarName(version = APICURIO_VERSION): string {
  return `apicurio-registry-app-${version}-runner.jar`;
}

/** Path of the Confluent-compatible API under the registry's base URL. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';
