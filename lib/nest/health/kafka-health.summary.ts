import type { HealthReport, HealthStatus } from '../../core/health/health-types.js';
import type { SchemaRegistryHealthReport } from '../../core/health/schema-registry-health.js';

/** What the indicator reports for one producer or consumer group (the report, trimmed). */
export interface KafkaClientHealthSummary {
  /** `OK`, `WARNING` or `CRITICAL` (named `health`: `status` is reserved by Terminus). */
  readonly health: HealthStatus;
  /** The report's message (why it is not OK, or that it is healthy). */
  readonly message: string;
  /** Brokers that did not answer. */
  readonly unreachableBrokers?: readonly string[];
  /** Brokers that answered but lack a topic. */
  readonly brokersMissingTopic?: readonly string[];
  /** Consumer groups: state name, e.g. `Consuming`. */
  readonly state?: string;
  /** Consumer groups: total lag over all partitions, when it could be read. */
  readonly totalLag?: number;
}

/** Shortens a report to what an HTTP health answer should show. */
export function summarise(report: HealthReport): KafkaClientHealthSummary {
  const unreachable = report.brokers.filter((b) => !b.reachable).map((b) => b.address);
  const missing = report.brokers.filter((b) => b.reachable && !b.hasTopic).map((b) => b.address);
  const group = report.consumerGroup;
  return {
    health: report.status,
    message: report.message,
    ...(unreachable.length > 0 ? { unreachableBrokers: unreachable } : {}),
    ...(missing.length > 0 ? { brokersMissingTopic: missing } : {}),
    ...(group ? { state: group.state } : {}),
    ...(group?.totalLag !== undefined ? { totalLag: group.totalLag } : {}),
  };
}

/** What the indicator reports for the module's schema registry. */
export interface SchemaRegistryHealthSummary {
  /** `OK` or `WARNING` (never `CRITICAL`: cached schemas keep working). */
  readonly health: HealthStatus;
  /** Reachable, or why not. */
  readonly message: string;
  /** The registry's base URL. */
  readonly url: string;
  /** When the current run of failed checks began (ISO time), while unreachable. */
  readonly failingSince?: string;
}

/** Shortens a registry report for an HTTP health answer. */
export function summariseRegistry(report: SchemaRegistryHealthReport): SchemaRegistryHealthSummary {
  return {
    health: report.status,
    message: report.message,
    url: report.url,
    ...(report.failingSince ? { failingSince: report.failingSince.toISOString() } : {}),
  };
}
