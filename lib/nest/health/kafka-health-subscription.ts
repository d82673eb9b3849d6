import type { KafkaConsumerGroup } from '../../core/consumer/kafka-consumer-group.js';
import type { HealthReport, HealthStatus } from '../../core/health/health-types.js';
import { subscribeToHealth, type HealthSubscriptionOptions, type HealthUnsubscribe } from '../../core/health/subscription.js';
import type { KafkaLogger } from '../../core/logger.js';
import type { KafkaProducer } from '../../core/producer/kafka-producer.js';
import { KafkaModuleError } from '../kafka-module.error.js';

/**
 * A consumer group's health subscription, declared in the module options
 * (`consumerGroups.<name>.healthSubscription`). The group then starts when the source is OK and
 * stops on WARNING or CRITICAL (or, with `onUnhealthy: 'pause'`, pauses and resumes without
 * leaving the consumer group), instead of starting at bootstrap.
 *
 * - `'self'`: the group's own brokers and topics (its health check, which depends on whether the
 *   brokers answer, not on whether the group runs, so a stopped group still sees health return);
 * - `{ producer: name }`: a producer of the module, e.g. the one the handler writes to;
 * - a function resolving to a status or report (a database ping, …).
 */
export interface KafkaGroupHealthSubscription extends Omit<HealthSubscriptionOptions, 'logger'> {
  /** What the group follows: `'self'` (its own brokers and topics), `{ producer: name }` (a producer of the module) or a function resolving to a status or report. */
  readonly source: 'self' | { readonly producer: string } | (() => Promise<HealthStatus | HealthReport>);
}

/** A group of the module together with its (optional) subscription. */
export interface SubscribableGroup {
  readonly name: string;
  readonly group: KafkaConsumerGroup;
  readonly healthSubscription?: KafkaGroupHealthSubscription;
}

/**
 * Starts the declared subscriptions (at application bootstrap) and returns the function that
 * ends them all (call it before draining at shutdown, so nothing restarts a draining group).
 * Throws {@link KafkaModuleError} naming every subscription whose producer is not declared;
 * nothing is started then.
 */
export function startHealthSubscriptions(
  groups: readonly SubscribableGroup[],
  producerNamed: (name: string) => KafkaProducer | undefined,
  logger: KafkaLogger,
): HealthUnsubscribe {
  const problems: string[] = [];
  const plans: Array<{
    entry: SubscribableGroup;
    subscription: KafkaGroupHealthSubscription;
    source: () => Promise<HealthStatus | HealthReport>;
  }> = [];
  for (const entry of groups) {
    const subscription = entry.healthSubscription;
    if (!subscription) continue;
    const { source } = subscription;
    if (source === 'self') {
      plans.push({ entry, subscription, source: () => entry.group.checker() });
    } else if (typeof source === 'function') {
      plans.push({ entry, subscription, source });
    } else {
      const producer = typeof source === 'object' && source !== null ? producerNamed(source.producer) : undefined;
      if (producer) plans.push({ entry, subscription, source: () => producer.checker() });
      else problems.push(`consumer group "${entry.name}" follows the health of producer "${describe(source)}", which is not declared`);
    }
  }
  if (problems.length > 0) throw new KafkaModuleError(problems);
  const unsubscribes: HealthUnsubscribe[] = [];
  try {
    for (const { entry, subscription, source } of plans) {
      const { source: _declared, ...options } = subscription;
      unsubscribes.push(subscribeToHealth(entry.group, source, { ...options, logger }));
    }
  } catch (error) {
    // A bad interval or threshold (KafkaConfigError): end what already started, then report.
    unsubscribes.forEach((u) => u());
    throw error;
  }
  return () => unsubscribes.forEach((u) => u());
}

function describe(source: unknown): string {
  return typeof source === 'object' && source !== null && 'producer' in source ? String(source.producer) : String(source);
}
