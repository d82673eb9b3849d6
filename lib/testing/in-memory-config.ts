import type { ConnectionConfig } from '../core/config/connection.js';
import { ConfigChecker } from '../core/config/validate.js';
import { KafkaConfigError, type ConfigProblem } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';

/** Broker address the in-memory clients are configured with (never dialled). */
export const IN_MEMORY_BROKERS: readonly string[] = Object.freeze(['in-memory:9092']);

/** How long the test kit's wait helpers wait by default, ms. */
export const DEFAULT_TEST_WAIT_TIMEOUT = 5_000;

/**
 * Connection settings an in-memory client gets unless the test gives its own: the in-memory
 * broker address, no logs (errors stay observable on the client's `errors` stream) and short
 * retry pauses, so a simulated outage recovers quickly.
 */
export const IN_MEMORY_CONNECTION: Readonly<ConnectionConfig> = Object.freeze({
  brokers: [...IN_MEMORY_BROKERS],
  logger: silentLogger,
  minRetryPeriod: 10,
  maxRetryPeriod: 100,
});

/**
 * Resolves a core config and validates the test kit's own fields with it, so one
 * {@link KafkaConfigError} names every bad field of both.
 */
export function resolveWithExtras<T>(subject: string, resolveCore: () => T, checkExtras: (checker: ConfigChecker) => void): T {
  const problems: ConfigProblem[] = [];
  let resolved: T | undefined;
  try {
    resolved = resolveCore();
  } catch (error) {
    if (!(error instanceof KafkaConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    const checker = new ConfigChecker();
    checkExtras(checker);
    checker.throwIfAny(subject);
  } catch (error) {
    if (!(error instanceof KafkaConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || resolved === undefined) throw new KafkaConfigError(subject, problems);
  return resolved;
}
