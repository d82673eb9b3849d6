import type { KafkaHealthChecker } from './health-checker.js';
import type { HealthReport } from './health-types.js';
import {
  createConsumerGroupHealthChecker,
  createProducerHealthChecker,
  type CheckableConsumerGroup,
  type CheckableProducer,
} from './owner-checkers.js';

// One checker per producer or group, so every caller (its `checker()`, the Nest indicator, a
// health subscription) shares one cache, one in-flight check and one set of probe connections.
const checkers = new WeakMap<object, KafkaHealthChecker>();

function isGroup(owner: CheckableProducer | CheckableConsumerGroup): owner is CheckableConsumerGroup {
  return 'groupName' in owner && typeof (owner as CheckableConsumerGroup).onStateChange === 'function';
}

/** The health checker of a producer or consumer group, created on first use. */
export function healthCheckerOf(owner: CheckableProducer | CheckableConsumerGroup): KafkaHealthChecker {
  let checker = checkers.get(owner);
  if (!checker) {
    checker = isGroup(owner) ? createConsumerGroupHealthChecker(owner) : createProducerHealthChecker(owner);
    checkers.set(owner, checker);
  }
  return checker;
}

/** The current health report of a producer or consumer group (shared cache). Never rejects. */
export function checkHealthOf(owner: CheckableProducer | CheckableConsumerGroup): Promise<HealthReport> {
  return healthCheckerOf(owner).check();
}

/** Closes the owner's health checker, if one was created (call it from the owner's close). Never rejects. */
export async function closeHealthCheckerOf(owner: object): Promise<void> {
  await checkers.get(owner)?.close();
}
