/**
 * The harness's download-once mechanism, shared by Kafka's jars, the schema registry and the
 * pinned Node binaries: an artefact is fetched into a scratch folder, checked, moved into place,
 * and only then marked complete, so an interrupted fetch is never mistaken for a usable copy; a lock
 * (fetch-lock.ts) keeps parallel processes from fetching the same artefact twice.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireFetchLock, releaseFetchLock } from './fetch-lock.js';

/** Marker file name in the cache folder; its presence means the fetched folder is complete. */
const MARKER = 'complete.json';

/** One artefact's place in the cache and how to fetch it. */
export interface FetchOnceTarget {
  /** The artefact's cache folder (holds the lock, the marker and {@link folder}). */
  readonly cacheDir: string;
  /** Name of the fetched folder inside `cacheDir` (`libs`, `app`). */
  readonly folder: string;
  /** What is fetched, for the lock's time-out message. */
  readonly what: string;
  /** Throws a typed error when a tool the fetch needs is missing (Maven fetches: {@link checkJavaAndMaven}). */
  readonly checkTools?: () => Promise<void>;
  /** Called once the tools are there and the download starts (a log line). */
  readonly onStart: () => void;
  /**
   * Fills the empty scratch folder `partial`, throwing when the result is unusable; returns the
   * facts to write into the marker.
   */
  readonly fetchInto: (partial: string) => Promise<Record<string, unknown>>;
}

/** True when the artefact in `cacheDir` was fetched completely. */
export function fetchedOnce(cacheDir: string): boolean {
  return existsSync(join(cacheDir, MARKER));
}

/**
 * Fetches the artefact unless it is complete already (here or by a parallel process meanwhile).
 * Returns true when this call fetched it. Throws what `checkTools` and `fetchInto` throw.
 */
export async function fetchOnce(target: FetchOnceTarget): Promise<boolean> {
  const { cacheDir } = target;
  if (fetchedOnce(cacheDir)) return false;
  await mkdir(cacheDir, { recursive: true });
  const lockDir = join(cacheDir, 'fetch.lock');
  if (!(await acquireFetchLock(lockDir, () => fetchedOnce(cacheDir), target.what))) return false;
  try {
    if (fetchedOnce(cacheDir)) return false;
    await target.checkTools?.();
    target.onStart();
    const partial = join(cacheDir, `${target.folder}.partial`);
    const finished = join(cacheDir, target.folder);
    await rm(partial, { recursive: true, force: true });
    const facts = await target.fetchInto(partial);
    await rm(finished, { recursive: true, force: true });
    await rename(partial, finished);
    await writeFile(join(cacheDir, MARKER), `${JSON.stringify({ ...facts, fetchedAt: new Date().toISOString() }, null, 2)}\n`);
    return true;
  } finally {
    await releaseFetchLock(lockDir);
  }
}
