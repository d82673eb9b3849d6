import { ConsumerState, consumerStateName } from '../consumer/state.js';
import type { KafkaAuthorizationError } from '../errors.js';
import type { FailureStats } from '../consumer/failure/failure-stats.js';
import { KafkaHealthChecker, type HealthCheckOptions } from './health-checker.js';
import type { HealthConnection } from './health-types.js';
import type { FetchStallSnapshot } from './health-types.js';

/** The producer surface a health checker needs (KafkaProducer fits it). */
export interface CheckableProducer {
  readonly topic: string;
  readonly config: HealthConnection & { readonly minBrokersHealthy: number };
  isInitialised(): boolean;
  /** The authorization refusal in force, if any (the health report is CRITICAL while there is one). */
  authorizationFailure?(): KafkaAuthorizationError | undefined;
}

/** The consumer-group surface a health checker needs (KafkaConsumerGroup fits it). */
export interface CheckableConsumerGroup {
  readonly topics: readonly string[];
  readonly groupName: string;
  readonly config: HealthConnection & { readonly minBrokersHealthy: number };
  readonly state: ConsumerState;
  isInitialised(): boolean;
  onStateChange(listener: (state: ConsumerState, previous: ConsumerState) => void): () => void;
  /** The authorization refusal in force, if any (the health report is CRITICAL while there is one). */
  authorizationFailure?(): KafkaAuthorizationError | undefined;
  /** Failure-handling counters, shown in the report's details. */
  failureStats?(): FailureStats;
  /** The fetch path: failure episodes and the partitions expected to progress (see docs/fetch-failures.md). */
  fetchStall?(): FetchStallSnapshot;
}

/**
 * The health checker behind `KafkaProducer.checker()`: its brokers and topic, its
 * `minBrokersHealthy`, WARNING until initialised. The owner closes it on close.
 */
export function createProducerHealthChecker(producer: CheckableProducer, options: HealthCheckOptions = {}): KafkaHealthChecker {
  const { config } = producer;
  return new KafkaHealthChecker(
    {
      subject: 'producer',
      connection: config,
      topics: [producer.topic],
      // The producer's resolved value is already capped at the number of brokers.
      minBrokersHealthy: Math.min(config.minBrokersHealthy, config.brokers.length),
      isInitialised: () => producer.isInitialised(),
      authorizationFailure: () => producer.authorizationFailure?.(),
    },
    options,
  );
}

/**
 * The health checker behind `KafkaConsumerGroup.checker()`: its brokers and topics, its state
 * and lag. It closes itself (probe connections, lag admin client) when the group starts closing.
 */
export function createConsumerGroupHealthChecker(group: CheckableConsumerGroup, options: HealthCheckOptions = {}): KafkaHealthChecker {
  const { config } = group;
  const checker = new KafkaHealthChecker(
    {
      subject: 'consumer-group',
      connection: config,
      topics: group.topics,
      minBrokersHealthy: Math.min(config.minBrokersHealthy, config.brokers.length),
      isInitialised: () => group.isInitialised(),
      consumerGroup: {
        groupName: group.groupName,
        state: () => consumerStateName(group.state),
        failures: () => group.failureStats?.(),
        fetchStall: () => group.fetchStall?.(),
      },
      authorizationFailure: () => group.authorizationFailure?.(),
    },
    options,
  );
  if (group.state === ConsumerState.Closing) {
    void checker.close();
  } else {
    const stopWatching = group.onStateChange((state) => {
      if (state !== ConsumerState.Closing) return;
      stopWatching();
      void checker.close();
    });
  }
  return checker;
}
