import { MSG_NO_BROKERS, type BrokerHealth, type HealthStatus } from './health-types.js';

/**
 * Status of a set of brokers that are only partly healthy (at least `minBrokersHealthy`, not all):
 * dp-kafka v3.7.1 says `WARNING`; v3.10+ says `OK`.
 */
export type PartialHealthStatus = 'WARNING' | 'OK';

/** Inputs of {@link judgeBrokerHealth}. */
export interface BrokerHealthJudgement {
  readonly brokers: readonly BrokerHealth[];
  readonly topics: readonly string[];
  readonly minBrokersHealthy: number;
  /** Message when every broker is healthy (producer or consumer-group text). */
  readonly healthyMessage: string;
  /** Status when healthy >= minBrokersHealthy but not all. Default `WARNING` (v3.7.1). */
  readonly partialStatus?: PartialHealthStatus;
}

/** A broker counts as healthy when it is reachable and knows every checked topic. */
export function isBrokerHealthy(broker: BrokerHealth): boolean {
  return broker.reachable && broker.hasTopic;
}

/**
 * dp-kafka v3.7.1's status rules over per-broker results: no broker → CRITICAL; all healthy →
 * OK; at least `minBrokersHealthy` → WARNING (or OK with `partialStatus: 'OK'`); fewer →
 * CRITICAL. A degraded status carries the seed's message naming unreachable brokers and brokers
 * missing the topic, in configuration order (the Go code's order was random).
 */
export function judgeBrokerHealth(input: BrokerHealthJudgement): { status: HealthStatus; message: string } {
  const { brokers, minBrokersHealthy, healthyMessage } = input;
  if (brokers.length === 0) return { status: 'CRITICAL', message: MSG_NO_BROKERS };
  const healthy = brokers.filter(isBrokerHealthy).length;
  if (healthy === brokers.length) return { status: 'OK', message: healthyMessage };
  const status: HealthStatus = healthy >= minBrokersHealthy ? (input.partialStatus ?? 'WARNING') : 'CRITICAL';
  return { status, message: describeUnhealthyBrokers(brokers, input.topics) };
}

/**
 * The seed's degraded message: `broker(s) not reachable at: [a b]`, then (after `, ` when both
 * parts exist) `topic T not available in broker(s): [c]`. With several topics, one such part per
 * missing topic.
 */
export function describeUnhealthyBrokers(brokers: readonly BrokerHealth[], topics: readonly string[]): string {
  const parts: string[] = [];
  const unreachable = brokers.filter((b) => !b.reachable).map((b) => b.address);
  if (unreachable.length > 0) parts.push(`broker(s) not reachable at: ${goList(unreachable)}`);
  for (const topic of topics) {
    const lacking = brokers.filter((b) => b.reachable && b.missingTopics.includes(topic)).map((b) => b.address);
    if (lacking.length > 0) parts.push(`topic ${topic} not available in broker(s): ${goList(lacking)}`);
  }
  // A reachable broker that failed for another reason (e.g. authorisation) is listed under the
  // first topic so that the message never claims health it did not see.
  const otherwise = brokers.filter((b) => b.reachable && !b.hasTopic && b.missingTopics.length === 0).map((b) => b.address);
  if (otherwise.length > 0) parts.push(`topic ${topics.join(',')} not available in broker(s): ${goList(otherwise)}`);
  return parts.join(', ');
}

// Go's default formatting of a string slice: `[a b c]`.
function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
