import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { worstStatus, type HealthReport } from '../../core/health/health-types.js';
import { isReachableSchemaRegistry, schemaRegistryHealthOf } from '../../core/health/schema-registry-health.js';
import { describeCause } from '../../core/errors.js';
import { KafkaClientRegistry } from '../kafka.registry.js';
import { summarise, summariseRegistry, type KafkaClientHealthSummary, type SchemaRegistryHealthSummary } from './kafka-health.summary.js';

/** Which clients {@link KafkaHealthIndicator.isHealthy} checks: one producer, one group, or all. */
export type KafkaHealthTarget = { readonly producer: string } | { readonly group: string };

/**
 * Terminus indicator for the module's producers and consumer groups, built on
 * `HealthIndicatorService` (the API of terminus 10.3 through 12).
 *
 * Mapping: CRITICAL → `down` (HTTP 503); WARNING → `up` with the warning in the details; OK →
 * `up`. WARNING is deliberately not `down`: it means fewer brokers than configured answer but
 * enough to work, or the client is still connecting in the background. Restarting the service
 * or taking it out of the load balancer would not fix either, and would turn a partial broker
 * outage into a full one. Use the `health` field of the details to alert on WARNING.
 *
 * With the module's `schemaRegistry` option, a check of the whole module also reports the
 * registry under `schemaRegistry`: `OK` when it answers, `WARNING` (still `up`) when it does not,
 * since schemas already fetched keep working and records of new ids are retried.
 *
 * It never throws: an unknown name or an unexpected failure is reported as `down`.
 */
@Injectable()
export class KafkaHealthIndicator {
  // Property injection keeps the module's internal registry out of the public constructor
  // signature (users get the indicator from Nest, never construct it).
  @Inject(KafkaClientRegistry) private readonly registry!: KafkaClientRegistry;

  /** Built by Nest (inject it where a Terminus health check is defined). */
  constructor(private readonly indicators: HealthIndicatorService) {}

  /**
   * Checks one named producer (`{ producer: name }`), one named group (`{ group: name }`), or,
   * without `target`, every producer and group of the module. Details list each client under
   * `producers` / `consumerGroups` by name, and the module's registry (whole-module checks only)
   * under `schemaRegistry`.
   */
  async isHealthy<const Key extends string>(key: Key, target?: KafkaHealthTarget): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    try {
      const [{ producers, consumerGroups }, schemaRegistry] = await Promise.all([
        this.collect(target),
        target === undefined ? this.checkSchemaRegistry() : undefined,
      ]);
      const all = [...Object.values(producers), ...Object.values(consumerGroups), ...(schemaRegistry ? [schemaRegistry] : [])];
      const health = worstStatus(all.map((s) => s.health));
      const details = {
        health,
        ...(Object.keys(producers).length > 0 ? { producers } : {}),
        ...(Object.keys(consumerGroups).length > 0 ? { consumerGroups } : {}),
        ...(schemaRegistry ? { schemaRegistry } : {}),
      };
      return health === 'CRITICAL' ? indicator.down(details) : indicator.up(details);
    } catch (error) {
      return indicator.down({ health: 'CRITICAL', message: `kafka health check failed: ${describeCause(error)}` });
    }
  }

  /** The module's registry, when it has one that can be checked (an app's own instance may not be). */
  private async checkSchemaRegistry(): Promise<SchemaRegistryHealthSummary | undefined> {
    const client = this.registry.schemaRegistry();
    if (!isReachableSchemaRegistry(client)) return undefined;
    return summariseRegistry(await schemaRegistryHealthOf(client).check());
  }

  private async collect(target: KafkaHealthTarget | undefined): Promise<{
    producers: Record<string, KafkaClientHealthSummary>;
    consumerGroups: Record<string, KafkaClientHealthSummary>;
  }> {
    const producers =
      target === undefined
        ? this.registry.producers()
        : 'producer' in target
          ? [{ name: target.producer, producer: this.registry.producer(target.producer) }]
          : [];
    const groups =
      target === undefined
        ? this.registry.groups()
        : 'group' in target
          ? [{ name: target.group, group: this.registry.group(target.group) }]
          : [];
    const [producerReports, groupReports] = await Promise.all([
      Promise.all(producers.map(({ producer }) => producer.checker())),
      Promise.all(groups.map(({ group }) => group.checker())),
    ]);
    return {
      producers: byName(
        producers.map((p) => p.name),
        producerReports,
      ),
      consumerGroups: byName(
        groups.map((g) => g.name),
        groupReports,
      ),
    };
  }
}

function byName(names: readonly string[], reports: readonly HealthReport[]): Record<string, KafkaClientHealthSummary> {
  return Object.fromEntries(names.map((name, i) => [name, summarise(reports[i]!)]));
}
