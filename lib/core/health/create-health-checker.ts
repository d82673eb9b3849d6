import { KafkaHealthChecker, type HealthCheckerTarget, type HealthCheckOptions } from './health-checker.js';
import type { HealthReport } from './health-types.js';

/** A health checker built with {@link createHealthChecker}: dp-kafka v3.7.1's check with your own options. */
export interface HealthChecker {
  /** The current report (cached for `cacheTtlMs`; concurrent calls share one check). Never rejects. */
  check(): Promise<HealthReport>;
  /** Closes the probe connections; later checks report CRITICAL. Never rejects. */
  close(): Promise<void>;
}

/**
 * A health checker with settings of your own (cache time, timeouts, dp-kafka v3.10's "partial
 * health is OK" rule with `partialStatus: 'OK'`). A producer's or group's `checker()` is this
 * with the defaults.
 *
 * @example
 * ```ts
 * const checker = createHealthChecker(
 *   { subject: 'producer', connection: { brokers }, topics: ['orders'], minBrokersHealthy: 1, isInitialised: () => producer.isInitialised() },
 *   { partialStatus: 'OK', cacheTtlMs: 5000 },
 * );
 * const report = await checker.check();
 * ```
 */
export function createHealthChecker(target: HealthCheckerTarget, options: HealthCheckOptions = {}): HealthChecker {
  return new KafkaHealthChecker(target, options);
}
