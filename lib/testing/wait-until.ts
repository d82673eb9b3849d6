import { KafkaTimeoutError, type LogData } from '../core/errors.js';

/** How often the test kit re-checks a condition, ms. */
const POLL_INTERVAL_MS = 5;

/**
 * Resolves once `condition` holds, checking every few ms; rejects with {@link KafkaTimeoutError}
 * naming `what` (and the `details` at that moment) after `timeoutMs`.
 */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  details: () => LogData = () => ({}),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) {
      throw new KafkaTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`, { timeoutMs, ...details() });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
