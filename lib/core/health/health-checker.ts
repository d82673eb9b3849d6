import { resolveConnectionConfig } from '../config/connection.js';
import { ConfigChecker, checkBrokers, optionNames } from '../config/validate.js';
import { describeCause, type KafkaAuthorizationError } from '../errors.js';
import type { FailureStats } from '../consumer/failure/failure-stats.js';
import { toKafkaJsSecurity } from '../security.js';
import { BrokerProbe, type MetadataSource } from './broker-probe.js';
import { withDeadline } from '../time-limit.js';
import { LagReader } from './consumer-lag.js';
import {
  healthSeverity,
  MSG_CONSUMER_GROUP_NOT_INITIALISED,
  MSG_HEALTHY_CONSUMER_GROUP,
  MSG_HEALTHY_PRODUCER,
  MSG_PRODUCER_NOT_INITIALISED,
  type ConsumerGroupHealth,
  type FetchStallSnapshot,
  type HealthConnection,
  type HealthReport,
  type HealthStatus,
  type HealthSubject,
} from './health-types.js';
import { judgeBrokerHealth, type PartialHealthStatus } from './status-rules.js';
import { NoProgressWatch, noProgressMessage } from './no-progress.js';

/** Defaults of the health checker. */
export const HEALTH_CHECK_DEFAULTS = {
  /** A report is reused for this long, ms, so frequent probes do not hammer the cluster. */
  cacheTtlMs: 1_000,
  /** Longest time one broker's probe may take, ms. */
  brokerTimeoutMs: 3_000,
  /** Longest time reading the consumer lag may take, ms. */
  lagTimeoutMs: 3_000,
  partialStatus: 'WARNING' as PartialHealthStatus,
} as const;

/** Tunables of a health checker (all optional). */
export interface HealthCheckOptions {
  /** How long a report is reused, ms (0 = never). Default 1000. */
  cacheTtlMs?: number;
  /** Longest time one broker's probe may take, ms. Default 3000. */
  brokerTimeoutMs?: number;
  /** Longest time reading consumer lag may take, ms. Default 3000. */
  lagTimeoutMs?: number;
  /** Status when only some brokers are healthy: `WARNING` (dp-kafka v3.7.1, default) or `OK` (v3.10+). */
  partialStatus?: PartialHealthStatus;
  /** Read consumer lag per partition (consumer groups only). Default true. */
  includeLag?: boolean;
}

/** The option names of {@link HealthCheckOptions}. */
export const HEALTH_CHECK_OPTION_NAMES = optionNames<HealthCheckOptions>({
  cacheTtlMs: true,
  brokerTimeoutMs: true,
  lagTimeoutMs: true,
  partialStatus: true,
  includeLag: true,
});

/** What a health checker ({@link createHealthChecker}) checks: hand-built, or taken from a producer's or group's settings. */
export interface HealthCheckerTarget {
  /** Whether the report speaks of a producer or a consumer group (its messages say which). */
  readonly subject: HealthSubject;
  /** Connection settings: brokers to probe, client id, security. */
  readonly connection: HealthConnection;
  /** Topics every healthy broker must know. */
  readonly topics: readonly string[];
  /** Fewer healthy brokers than this is CRITICAL; at least this many but not all, WARNING. */
  readonly minBrokersHealthy: number;
  /** Whether the owner reached the broker; until then the report is WARNING and nothing is probed. */
  readonly isInitialised: () => boolean;
  /** For consumer groups: the group name and a reader of its current state name. */
  readonly consumerGroup?: {
    readonly groupName: string;
    readonly state: () => string;
    /** The group's failure-handling counters, when it has them. */
    readonly failures?: () => FailureStats | undefined;
    /** The group's fetch path (failure episodes, partitions expected to progress), when it reports one. */
    readonly fetchStall?: () => FetchStallSnapshot | undefined;
  };
  /**
   * The broker's refusal (ACL, SASL, TLS certificate) the owner is currently facing, if any:
   * while there is one the report is CRITICAL with its message and nothing is probed.
   */
  readonly authorizationFailure?: () => KafkaAuthorizationError | undefined;
}

/**
 * Produces {@link HealthReport}s for a producer or consumer group with dp-kafka v3.7.1's rules:
 * not initialised → WARNING without touching the network; otherwise every configured broker is
 * probed (in parallel, each bounded by `brokerTimeoutMs`) and judged against
 * `minBrokersHealthy`. Reports are cached for `cacheTtlMs`, and concurrent calls share one
 * in-flight check. `check()` never rejects.
 */
export class KafkaHealthChecker {
  private readonly probes: BrokerProbe[];
  private readonly lagReader: LagReader | undefined;
  private readonly noProgress = new NoProgressWatch();
  private readonly options: Required<HealthCheckOptions>;
  private cached: { report: HealthReport; expiresAt: number } | undefined;
  private inFlight: Promise<HealthReport> | undefined;
  private closed = false;

  /**
   * @param target - what to check
   * @param options - cache, timeouts, partial-health status
   * @param connectTo - opens the metadata connection of one broker address; replaceable in unit tests
   */
  constructor(
    private readonly target: HealthCheckerTarget,
    options: HealthCheckOptions = {},
    connectTo?: (address: string) => MetadataSource,
  ) {
    this.options = resolveHealthCheckOptions(target, options);
    // The owner's config is resolved already; a hand-built target gets the same defaults here.
    const connection = resolveConnectionConfig(target.connection);
    const security = toKafkaJsSecurity(connection.security);
    const { clientId } = connection;
    this.probes = connection.brokers.map(
      (address) => new BrokerProbe({ address, clientId, security, timeoutMs: this.options.brokerTimeoutMs }, connectTo?.(address)),
    );
    this.lagReader = target.consumerGroup && this.options.includeLag ? new LagReader(connection) : undefined;
  }

  /** The current report (cached for `cacheTtlMs`). Never rejects. */
  check(): Promise<HealthReport> {
    if (this.closed) return Promise.resolve(this.closedReport());
    const refusal = safeRefusal(this.target);
    if (refusal) return Promise.resolve(this.unprobedReport('CRITICAL', refusal.message));
    if (!safeInitialised(this.target)) {
      const message = this.target.subject === 'producer' ? MSG_PRODUCER_NOT_INITIALISED : MSG_CONSUMER_GROUP_NOT_INITIALISED;
      return Promise.resolve(this.unprobedReport('WARNING', message));
    }
    if (this.cached && Date.now() < this.cached.expiresAt) return Promise.resolve(this.cached.report);
    this.inFlight ??= this.runCheck()
      .catch((error: unknown) => this.failedReport(error))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Closes the probe connections; later checks report CRITICAL `closed`. Never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    this.cached = undefined;
    await this.closeConnections();
  }

  private async closeConnections(): Promise<void> {
    await Promise.all([...this.probes.map((p) => p.close()), this.lagReader?.close()]);
  }

  private async runCheck(): Promise<HealthReport> {
    const { topics, minBrokersHealthy } = this.target;
    const brokers = await Promise.all(this.probes.map((p) => p.probe(topics)));
    const { status, message } = judgeBrokerHealth({
      brokers,
      topics,
      minBrokersHealthy,
      healthyMessage: this.target.subject === 'producer' ? MSG_HEALTHY_PRODUCER : MSG_HEALTHY_CONSUMER_GROUP,
      partialStatus: this.options.partialStatus,
    });
    const judged = this.target.consumerGroup
      ? this.judgeFetch(await this.groupHealth(brokers.some((b) => b.reachable)), { status, message })
      : undefined;
    const consumerGroup = judged?.group;
    const report: HealthReport = {
      ...this.base(),
      status: judged?.status ?? status,
      message: judged?.message ?? message,
      brokers,
      ...(consumerGroup ? { consumerGroup } : {}),
      checkedAt: new Date(),
    };
    // A check that raced with close() may have reopened a connection: drop it, cache nothing.
    if (this.closed) {
      await this.closeConnections();
      return this.closedReport();
    }
    if (this.options.cacheTtlMs > 0) this.cached = { report, expiresAt: Date.now() + this.options.cacheTtlMs };
    return report;
  }

  private async groupHealth(anyBrokerReachable: boolean): Promise<ConsumerGroupHealth> {
    const group = this.target.consumerGroup!;
    const base = groupBase(group);
    if (!this.lagReader) return base;
    if (!anyBrokerReachable) return { ...base, lagError: 'no reachable broker to read offsets from' };
    try {
      const lag = await withDeadline(
        this.lagReader.read(group.groupName, this.target.topics),
        this.options.lagTimeoutMs,
        `consumer lag not read within ${this.options.lagTimeoutMs} ms`,
      );
      return { ...base, lag: lag.partitions, totalLag: lag.total };
    } catch (error) {
      await this.lagReader.close();
      return { ...base, lagError: describeCause(error) };
    }
  }

  /**
   * Adds the fetch path to a group's report: a failure episode under way is WARNING, CRITICAL once
   * older than the stall timeout; a watched partition with lag and no progress for as long is WARNING.
   * The worse of that and the brokers' status wins (both messages when they tie below OK).
   */
  private judgeFetch(
    group: ConsumerGroupHealth,
    brokers: { status: HealthStatus; message: string },
  ): { group: ConsumerGroupHealth; status: HealthStatus; message: string } {
    let snapshot: FetchStallSnapshot | undefined;
    try {
      snapshot = this.target.consumerGroup?.fetchStall?.();
    } catch {
      snapshot = undefined;
    }
    if (!snapshot) return { group, ...brokers };
    const stalled = group.lag ? this.noProgress.observe(group.lag, snapshot.watched, snapshot.stallTimeoutMs) : [];
    const withFetch: ConsumerGroupHealth = {
      ...group,
      ...(snapshot.failures.length > 0 ? { fetchFailures: snapshot.failures } : {}),
      ...(stalled.length > 0 ? { stalledPartitions: stalled } : {}),
    };
    const fetch =
      snapshot.verdict ??
      (stalled.length > 0 ? { status: 'WARNING' as const, message: noProgressMessage(stalled, snapshot.stallTimeoutMs) } : undefined);
    if (!fetch || healthSeverity(fetch.status) < healthSeverity(brokers.status)) return { group: withFetch, ...brokers };
    if (healthSeverity(fetch.status) > healthSeverity(brokers.status)) return { group: withFetch, ...fetch };
    return { group: withFetch, status: fetch.status, message: `${brokers.message}; ${fetch.message}` };
  }

  /** A report decided without touching the network (not initialised, refused). */
  private unprobedReport(status: HealthStatus, message: string): HealthReport {
    const group = this.target.consumerGroup;
    return {
      ...this.base(),
      status,
      message,
      brokers: [],
      ...(group ? { consumerGroup: groupBase(group) } : {}),
      checkedAt: new Date(),
    };
  }

  // Defensive: the steps above do not reject, but a health check must never throw.
  private failedReport(error: unknown): HealthReport {
    return {
      ...this.base(),
      status: 'CRITICAL',
      message: `health check failed: ${describeCause(error)}`,
      brokers: [],
      checkedAt: new Date(),
    };
  }

  private closedReport(): HealthReport {
    const what = this.target.subject === 'producer' ? 'kafka producer' : 'kafka consumer group';
    return { ...this.base(), status: 'CRITICAL', message: `${what} is closed`, brokers: [], checkedAt: new Date() };
  }

  private base(): Pick<HealthReport, 'subject' | 'topics' | 'minBrokersHealthy'> {
    return { subject: this.target.subject, topics: this.target.topics, minBrokersHealthy: this.target.minBrokersHealthy };
  }
}

/** Validates a checker's target and options; one {@link KafkaConfigError} names every bad field. */
export function resolveHealthCheckOptions(target: HealthCheckerTarget, options: HealthCheckOptions): Required<HealthCheckOptions> {
  const checker = new ConfigChecker();
  checkBrokers(checker, target.connection?.brokers);
  checker.require(Array.isArray(target.topics) && target.topics.length > 0, 'topics', 'is required (at least one topic)');
  checker.positive(target.minBrokersHealthy, 'minBrokersHealthy', { integer: true });
  checker.knownKeys(options, HEALTH_CHECK_OPTION_NAMES, 'health.');
  checker.positive(options.cacheTtlMs, 'health.cacheTtlMs', { allowZero: true });
  checker.positive(options.brokerTimeoutMs, 'health.brokerTimeoutMs');
  checker.positive(options.lagTimeoutMs, 'health.lagTimeoutMs');
  checker.oneOf(options.partialStatus, ['WARNING', 'OK'], 'health.partialStatus');
  checker.oneOf(options.includeLag, [true, false], 'health.includeLag');
  checker.throwIfAny('health check');
  return {
    cacheTtlMs: options.cacheTtlMs ?? HEALTH_CHECK_DEFAULTS.cacheTtlMs,
    brokerTimeoutMs: options.brokerTimeoutMs ?? HEALTH_CHECK_DEFAULTS.brokerTimeoutMs,
    lagTimeoutMs: options.lagTimeoutMs ?? HEALTH_CHECK_DEFAULTS.lagTimeoutMs,
    partialStatus: options.partialStatus ?? HEALTH_CHECK_DEFAULTS.partialStatus,
    includeLag: options.includeLag ?? true,
  };
}

function safeInitialised(target: HealthCheckerTarget): boolean {
  try {
    return target.isInitialised();
  } catch {
    return false;
  }
}

function safeRefusal(target: HealthCheckerTarget): KafkaAuthorizationError | undefined {
  try {
    return target.authorizationFailure?.();
  } catch {
    return undefined;
  }
}

function safeState(read: () => string): string {
  try {
    return read();
  } catch {
    return 'unknown';
  }
}

/** Name, state and failure counters of a group's report. */
function groupBase(group: NonNullable<HealthCheckerTarget['consumerGroup']>): ConsumerGroupHealth {
  let failures: FailureStats | undefined;
  try {
    failures = group.failures?.();
  } catch {
    failures = undefined;
  }
  return { groupName: group.groupName, state: safeState(group.state), ...(failures ? { failures } : {}) };
}
