/**
 * A lock folder that keeps parallel processes from downloading the same artefact twice (Kafka's
 * jars, the schema registry). The owner writes its pid into it; a lock whose owner is dead is
 * cleared.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaHarnessError } from './errors.js';

/** How long to wait for another process's fetch of the same artefact. */
const LOCK_WAIT_MS = 15 * 60_000;
/** Poll interval while waiting for that fetch. */
const LOCK_POLL_MS = 500;

/**
 * Takes the lock folder `lockDir`, waiting while another live process holds it. Returns false
 * without the lock when `isComplete()` turns true while waiting (the other process finished the
 * work); true when the caller now holds the lock and must {@link releaseFetchLock} it.
 */
export async function acquireFetchLock(lockDir: string, isComplete: () => boolean, what: string): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await tryLock(lockDir))) {
    if (isComplete()) return false;
    if (Date.now() > deadline) throw new KafkaHarnessError(`timed out waiting for another fetch of ${what} (lock ${lockDir})`);
    await sleep(LOCK_POLL_MS);
  }
  return true;
}

/** Releases a lock taken by {@link acquireFetchLock}. */
export async function releaseFetchLock(lockDir: string): Promise<void> {
  await rm(lockDir, { recursive: true, force: true });
}

/** Creates the lock folder; clears it first when its owner process is gone. */
async function tryLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (await lockIsStale(lockDir)) await rm(lockDir, { recursive: true, force: true });
  return false;
}

async function lockIsStale(lockDir: string): Promise<boolean> {
  try {
    const pid = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return (await stat(lockDir)).mtimeMs < Date.now() - 10_000;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true; // the owner is dead
    if (code !== 'ENOENT') return false;
    // No pid file: either it is being written right now, or the owner died before writing it.
    try {
      return (await stat(lockDir)).mtimeMs < Date.now() - 10_000;
    } catch {
      return false;
    }
  }
}
