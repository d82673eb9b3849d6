import { waitUntil } from '../../lib/testing/wait-until.js';

/**
 * The tests' polling wait: the test kit's {@link waitUntil} (same argument order) with the
 * defaults integration tests want, 30 s and a check every 50 ms.
 */
export function eventually(
  what: string | (() => string),
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<void> {
  return waitUntil(what, check, timeoutMs, { intervalMs });
}
