import { ConfigChecker, optionNames } from '../config/validate.js';
import { describeCause } from '../errors.js';
import { outcomeWithin } from '../time-limit.js';
import { HEALTH_CHECK_DEFAULTS } from './health-checker.js';
import type { SchemaRegistryClient } from '../registry/schema-registry.js';
import type { HealthStatus } from './health-types.js';

/** Message of a registry that answered. */
export const MSG_HEALTHY_SCHEMA_REGISTRY = 'schema registry is reachable';

/** What the registry health check needs of a client (`createSchemaRegistryClient`'s and the test kit's fit it). */
export type ReachableSchemaRegistry = Pick<SchemaRegistryClient, 'url' | 'checkReachable'>;

/** The health of a schema registry. Never `CRITICAL`: cached schemas keep working while it is away. */
export interface SchemaRegistryHealthReport {
  /** `OK` when the registry answered, `WARNING` when it did not. */
  readonly status: Exclude<HealthStatus, 'CRITICAL'>;
  /** Why: reachable, or the failure and what it means for records. */
  readonly message: string;
  /** The registry's base URL. */
  readonly url: string;
  /** Whether the last check got an answer. */
  readonly reachable: boolean;
  /** When the current run of failed checks began (absent while reachable). */
  readonly failingSince?: Date;
  /** When the check ran (a cached report keeps its original time). */
  readonly checkedAt: Date;
}

/** Tunables of {@link createSchemaRegistryHealthChecker}. */
export interface SchemaRegistryHealthOptions {
  /** How long a report is reused, ms (0 = never). Default 1000, as for the broker checks. */
  cacheTtlMs?: number;
  /** Longest time one check may take, ms; a registry that has not answered by then is unreachable. Default 3000. */
  timeoutMs?: number;
}

/** The option names of {@link SchemaRegistryHealthOptions}. */
export const SCHEMA_REGISTRY_HEALTH_OPTION_NAMES = optionNames<SchemaRegistryHealthOptions>({ cacheTtlMs: true, timeoutMs: true });

/** A schema registry's health checker: one request per check, cached, never rejects. */
export interface SchemaRegistryHealthChecker {
  /** The current report (cached for `cacheTtlMs`; concurrent calls share one check). Never rejects. */
  check(): Promise<SchemaRegistryHealthReport>;
}

/**
 * Checks whether a schema registry answers: `OK` when it does, `WARNING` when it does not (down,
 * timed out, refusing the credentials or the TLS handshake), back to `OK` on the first answer.
 * Never `CRITICAL`: schemas already fetched are cached, so records of known ids go on, and records
 * of new ids fail with a retryable error until it is back. Throws `KafkaConfigError` for bad options.
 *
 * @example
 * ```ts
 * const registry = createSchemaRegistryClient({ url: 'http://localhost:8081' });
 * const registryHealth = createSchemaRegistryHealthChecker(registry, { timeoutMs: 2000 });
 * const { status, message } = await registryHealth.check();
 * ```
 */
export function createSchemaRegistryHealthChecker(
  registry: ReachableSchemaRegistry,
  options: SchemaRegistryHealthOptions = {},
): SchemaRegistryHealthChecker {
  return new RegistryHealthChecker(registry, resolveOptions(options));
}

class RegistryHealthChecker implements SchemaRegistryHealthChecker {
  private cached: { report: SchemaRegistryHealthReport; expiresAt: number } | undefined;
  private inFlight: Promise<SchemaRegistryHealthReport> | undefined;
  private failingSince: Date | undefined;

  constructor(
    private readonly registry: ReachableSchemaRegistry,
    private readonly options: Required<SchemaRegistryHealthOptions>,
  ) {}

  check(): Promise<SchemaRegistryHealthReport> {
    if (this.cached && Date.now() < this.cached.expiresAt) return Promise.resolve(this.cached.report);
    this.inFlight ??= this.runCheck().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async runCheck(): Promise<SchemaRegistryHealthReport> {
    const url = safeUrl(this.registry);
    let outcome: Awaited<ReturnType<typeof outcomeWithin>>;
    try {
      outcome = await outcomeWithin(this.registry.checkReachable(), this.options.timeoutMs);
    } catch (error) {
      // checkReachable threw synchronously instead of rejecting.
      outcome = { error };
    }
    const checkedAt = new Date();
    let report: SchemaRegistryHealthReport;
    if (outcome === 'ok') {
      this.failingSince = undefined;
      report = { status: 'OK', message: MSG_HEALTHY_SCHEMA_REGISTRY, url, reachable: true, checkedAt };
    } else {
      this.failingSince ??= checkedAt;
      const why = outcome === 'timeout' ? `no answer within ${this.options.timeoutMs} ms` : describeCause(outcome.error);
      report = {
        status: 'WARNING',
        message: `schema registry ${url} is not reachable (${why}); records whose schema is cached go on, others wait for it`,
        url,
        reachable: false,
        failingSince: this.failingSince,
        checkedAt,
      };
    }
    if (this.options.cacheTtlMs > 0) this.cached = { report, expiresAt: Date.now() + this.options.cacheTtlMs };
    return report;
  }
}

// One checker per registry client, so every caller (the Nest indicator on each probe, the app)
// shares one cache and one in-flight request.
const checkers = new WeakMap<ReachableSchemaRegistry, SchemaRegistryHealthChecker>();

/** Whether a registry client can be health-checked (has `checkReachable`, as the module's clients do). */
export function isReachableSchemaRegistry(registry: unknown): registry is ReachableSchemaRegistry {
  return (
    typeof registry === 'object' && registry !== null && typeof (registry as Partial<ReachableSchemaRegistry>).checkReachable === 'function'
  );
}

/** The shared health checker of a registry client (default options), created on first use. */
export function schemaRegistryHealthOf(registry: ReachableSchemaRegistry): SchemaRegistryHealthChecker {
  let checker = checkers.get(registry);
  if (!checker) {
    checker = createSchemaRegistryHealthChecker(registry);
    checkers.set(registry, checker);
  }
  return checker;
}

function safeUrl(registry: ReachableSchemaRegistry): string {
  try {
    return String(registry.url);
  } catch {
    return '(unknown)';
  }
}

function resolveOptions(options: SchemaRegistryHealthOptions): Required<SchemaRegistryHealthOptions> {
  const checker = new ConfigChecker();
  checker.knownKeys(options, SCHEMA_REGISTRY_HEALTH_OPTION_NAMES, '');
  checker.positive(options.cacheTtlMs, 'cacheTtlMs', { allowZero: true });
  checker.positive(options.timeoutMs, 'timeoutMs');
  checker.throwIfAny('schema registry health check');
  return {
    cacheTtlMs: options.cacheTtlMs ?? HEALTH_CHECK_DEFAULTS.cacheTtlMs,
    timeoutMs: options.timeoutMs ?? HEALTH_CHECK_DEFAULTS.brokerTimeoutMs,
  };
}
