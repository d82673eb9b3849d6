/** Readiness of a schema registry: its Confluent-compatible API lists subjects (HTTP 200). */
import { setTimeout as sleep } from 'node:timers/promises';
import { CCOMPAT_PATH } from './apicurio.js';

/** Pause between attempts. */
const POLL_MS = 250;
/** Limit of one attempt, so a hung connection cannot eat the whole deadline. */
const ATTEMPT_TIMEOUT_MS = 3_000;

/** Why the registry at `baseUrl` is not ready yet, or undefined when it is. */
export async function registryProblem(baseUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}${CCOMPAT_PATH}/subjects`, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200 ? undefined : `GET ${CCOMPAT_PATH}/subjects answered ${response.status}`;
  } catch (err) {
    return `GET ${CCOMPAT_PATH}/subjects failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Polls until the registry answers, `deadline` (epoch ms) passes, or `gaveUp` settles (the JVM
 * exited). Resolves with undefined when ready, else with the last problem seen.
 */
export async function waitForRegistry(baseUrl: string, deadline: number, gaveUp: Promise<unknown>): Promise<string | undefined> {
  let stopped = false;
  void gaveUp.then(() => (stopped = true));
  let problem: string | undefined = 'no attempt yet';
  while (!stopped && Date.now() < deadline) {
    problem = await registryProblem(baseUrl);
    if (problem === undefined) return undefined;
    await sleep(POLL_MS);
  }
  return stopped ? 'the registry JVM exited' : problem;
}
