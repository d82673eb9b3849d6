import { KafkaTimeoutError, type LogData } from '../core/errors.js';

/** How often a condition is re-checked by default, ms. */
export const DEFAULT_POLL_INTERVAL_MS = 5;

/** Tunables of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Pause between two checks, ms. Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  readonly intervalMs?: number;
  /** Context added to the timeout error's log data, read when the wait times out. */
  readonly details?: () => LogData;
}

/**
 * The one polling wait of the project (the test kit's waits and the repository's tests use it):
 * resolves once `condition` holds, re-checking every `intervalMs`; rejects with
 * {@link KafkaTimeoutError} naming `what` (read at that moment when it is a function) after
 * `timeoutMs`.
 */
export async function waitUntil(
  what: string | (() => string),
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  options: WaitUntilOptions = {},
): Promise<void> {
  const { intervalMs = DEFAULT_POLL_INTERVAL_MS, details = () => ({}) } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) {
      const name = typeof what === 'string' ? what : what();
      throw new KafkaTimeoutError(`timed out after ${timeoutMs} ms waiting for ${name}`, { timeoutMs, ...details() });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
