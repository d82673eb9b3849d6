import type { FailureStats } from '../consumer/failure/failure-stats.js';
import type { ConnectionConfig, ResolvedConnectionConfig } from '../config/connection.js';

/** The connection settings a health check uses (a subset of `ConnectionConfig`, read-only). */
export type HealthConnection = Readonly<Omit<ConnectionConfig, 'brokers'>> & { readonly brokers: readonly string[] };

/** {@link HealthConnection} with the defaults applied (by the checker, once). */
export type ResolvedHealthConnection = Readonly<
  Pick<ResolvedConnectionConfig, 'brokers' | 'clientId' | 'security' | 'connectionTimeout' | 'kafkaJsLogLevel'>
>;

/** Health statuses, as dp-healthcheck names them. */
export type HealthStatus = 'OK' | 'WARNING' | 'CRITICAL';

/** The three {@link HealthStatus} values, for iteration and validation. */
export const HEALTH_STATUSES: readonly HealthStatus[] = ['OK', 'WARNING', 'CRITICAL'];

/** Service name under which the Go original reports Kafka checks. */
export const KAFKA_HEALTH_SERVICE_NAME = 'Kafka';
/** Message of a healthy producer (the seed's text). */
export const MSG_HEALTHY_PRODUCER = 'kafka producer is healthy';
/** Message of a healthy consumer group (the seed's text). */
export const MSG_HEALTHY_CONSUMER_GROUP = 'kafka consumer group is healthy';
/** Message of a producer that has not reached the broker yet (the seed's text). */
export const MSG_PRODUCER_NOT_INITIALISED = 'kafka producer is not initialised';
/** Message of a consumer group that has not reached the broker yet (the seed's text). */
export const MSG_CONSUMER_GROUP_NOT_INITIALISED = 'kafka consumer-group is not initialised';
/** Message when the broker list is empty (the seed's text). */
export const MSG_NO_BROKERS = 'no brokers defined';

/** What a health check is about. */
export type HealthSubject = 'producer' | 'consumer-group';

/** The result of probing one configured broker address. */
export interface BrokerHealth {
  /** The address as configured (`host:port`). */
  readonly address: string;
  /** The broker answered a metadata request. */
  readonly reachable: boolean;
  /** The broker knows every checked topic (no topic error, at least one partition). */
  readonly hasTopic: boolean;
  /** Checked topics this broker does not know (empty when unreachable: nothing is known). */
  readonly missingTopics: readonly string[];
  /** Why the broker is not healthy (connection error, timeout, topic error code). */
  readonly reason?: string;
}

/** Consumer lag of one partition: how far the group's committed offset is behind the log end. */
export interface PartitionLag {
  /** The topic. */
  readonly topic: string;
  /** The partition number. */
  readonly partition: number;
  /** Next offset the group will read; `null` when the group has committed nothing yet. */
  readonly committedOffset: string | null;
  /** Offset the next produced record will get. */
  readonly highWatermark: string;
  /**
   * Records not yet consumed: `highWatermark - committedOffset`, or, with no commit yet, the
   * records currently in the log (`highWatermark - lowWatermark`), an upper bound.
   */
  readonly lag: number;
}

/** Consumer-group specifics of a {@link HealthReport} (beyond the seed: state and lag). */
export interface ConsumerGroupHealth {
  /** The consumer group id. */
  readonly groupName: string;
  /** The group's state name, e.g. `Consuming`. */
  readonly state: string;
  /** Lag per partition, when it could be read. */
  readonly lag?: readonly PartitionLag[];
  /** Sum of `lag` over all partitions. */
  readonly totalLag?: number;
  /** Why the lag could not be read, when it could not. */
  readonly lagError?: string;
  /** Failure-handling counters since the group was created (retries, time-outs, dead letters…). */
  readonly failures?: FailureStats;
  /** Fetches failing now, one entry per episode (see docs/fetch-failures.md); absent when none fails. */
  readonly fetchFailures?: readonly FetchFailureHealth[];
  /** Assigned partitions with lag whose committed offset has not moved for `stallTimeout`; absent when none. */
  readonly stalledPartitions?: readonly StalledPartitionHealth[];
}

/**
 * A fetch that keeps failing (an episode: from its first failure until that partition, or the
 * fetch loop, works again).
 */
export interface FetchFailureHealth {
  /** The topic, when the failure names a partition; absent when the whole fetch loop fails. */
  readonly topic?: string;
  /** The partition, when the failure names one. */
  readonly partition?: number;
  /** The latest cause (the error's message). */
  readonly cause: string;
  /** Time since the episode's first failure, ms. */
  readonly failingForMs: number;
  /** Failures in this episode. */
  readonly failures: number;
}

/**
 * What a consumer group tells its health checker about its fetch path (see docs/fetch-failures.md);
 * a hand-built checker target may supply one too.
 */
export interface FetchStallSnapshot {
  /** The bound of both rules (the group's `stallTimeout`), ms. */
  readonly stallTimeoutMs: number;
  /** The failure episodes' verdict (WARNING, or CRITICAL once one is older than the bound), when one is under way. */
  readonly verdict: { readonly status: 'WARNING' | 'CRITICAL'; readonly message: string } | undefined;
  /** The failure episodes under way. */
  readonly failures: readonly FetchFailureHealth[];
  /** Partitions expected to advance while they have lag: assigned, not paused, while consuming. */
  readonly watched: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
}

/** An assigned partition with lag whose position has not advanced (see `stallTimeout`). */
export interface StalledPartitionHealth {
  /** The topic. */
  readonly topic: string;
  /** The partition number. */
  readonly partition: number;
  /** The committed offset that has not moved (`null`: nothing committed yet). */
  readonly committedOffset: string | null;
  /** Records behind the log end. */
  readonly lag: number;
  /** How long the committed offset has stayed where it is, as seen by the health checks, ms. */
  readonly stalledForMs: number;
}

/** A typed health report, returned by `checker()`. */
export interface HealthReport {
  /** The overall status (dp-kafka v3.7.1's rules; see README, Health). */
  readonly status: HealthStatus;
  /** Why: `kafka producer is healthy`, the unreachable brokers and missing topics, or the refusal. */
  readonly message: string;
  /** Whether a producer or a consumer group was checked. */
  readonly subject: HealthSubject;
  /** The topics every healthy broker must know. */
  readonly topics: readonly string[];
  /** Per configured broker, in configuration order (empty when not initialised). */
  readonly brokers: readonly BrokerHealth[];
  /** Minimum number of healthy brokers the status was judged against. */
  readonly minBrokersHealthy: number;
  /** Present for consumer groups. */
  readonly consumerGroup?: ConsumerGroupHealth;
  /** When the check ran (a cached report keeps its original time). */
  readonly checkedAt: Date;
}

/** Orders statuses from best to worst. */
export function healthSeverity(status: HealthStatus): number {
  return HEALTH_STATUSES.indexOf(status);
}

/** The worst of several statuses (`OK` for none). */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'OK';
  for (const s of statuses) if (healthSeverity(s) > healthSeverity(worst)) worst = s;
  return worst;
}
