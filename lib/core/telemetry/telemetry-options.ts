import type { ConfigChecker } from '../config/validate.js';

/**
 * OpenTelemetry switches of a producer or consumer group. Both default to on; they only take
 * effect when the application has `@opentelemetry/api` installed (an optional peer dependency)
 * and has registered an SDK, and cost nothing measurable otherwise. See README, Observability.
 */
export interface TelemetryOptions {
  /**
   * Spans (a PRODUCER span per send, a CONSUMER span per handled record or batch) and trace
   * context propagation in record headers. Default `true`.
   */
  tracing?: boolean;
  /** Metrics through the OpenTelemetry metrics API (records, durations, errors, lag, state). Default `true`. */
  metrics?: boolean;
}

/** {@link TelemetryOptions} with defaults applied. */
export interface ResolvedTelemetryOptions {
  readonly tracing: boolean;
  readonly metrics: boolean;
}

/** The option names of {@link TelemetryOptions}, for the strict config lists. */
export const TELEMETRY_OPTION_NAMES = { tracing: true, metrics: true } as const;

/** Records a problem for each telemetry switch that is set and not a boolean. */
export function checkTelemetryOptions(checker: ConfigChecker, options: TelemetryOptions): void {
  for (const field of ['tracing', 'metrics'] as const) {
    const value: unknown = options[field];
    if (value !== undefined) checker.require(typeof value === 'boolean', field, 'must be a boolean');
  }
}

/** Applies the defaults (both on). */
export function resolveTelemetryOptions(options: TelemetryOptions): ResolvedTelemetryOptions {
  return { tracing: options.tracing ?? true, metrics: options.metrics ?? true };
}
