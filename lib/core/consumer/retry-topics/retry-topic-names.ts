import type { KafkaMessage } from '../../message.js';
import { originalTopicOf } from '../failure/retry-topics.js';
import { retryTopicName, type FailureAction, type OnHandlerError } from '../failure/failure-policy.js';

/** What a retry topic's name says: whose retry topic it is and its delay. */
export interface RetryTopicInfo {
  /** The topic the records were first read from. */
  readonly originalTopic: string;
  /** The delay of this retry topic, ms. */
  readonly delayMs: number;
}

/** The delays (ms) of `policy`'s retry topics, in order; empty when it has none. */
export function retryTopicDelays(policy: OnHandlerError | undefined): readonly number[] {
  return typeof policy === 'object' && policy.retryTopics ? policy.retryTopics : [];
}

/**
 * Every retry topic of `topics` under `policy` (each topic's delays in order), e.g.
 * `['orders.retry-1000', 'orders.retry-10000']`. The group consumes these besides `topics`.
 */
export function retryTopicsOf(topics: readonly string[], policy: OnHandlerError | undefined): string[] {
  return retryTopicNames(topics, retryTopicDelays(policy));
}

/** `<topic>.retry-<delay>` for each topic, each delay in order. */
function retryTopicNames(topics: readonly string[], delays: readonly number[]): string[] {
  return topics.flatMap((topic) => delays.map((delay) => retryTopicName(topic, delay)));
}

/**
 * The topics a group with this policy subscribes to: its own topics, then their retry topics
 * (none without `retryTopics`). Duplicates are dropped.
 */
export function consumedTopicsOf(topics: readonly string[], policy: OnHandlerError | undefined): string[] {
  return [...new Set([...topics, ...retryTopicsOf(topics, policy)])];
}

/**
 * Retry topics of a group, by name: tells a retry record from an original one and gives its
 * delay. Built once per group from its topics and policy.
 */
export class RetryTopicMap {
  private readonly byName = new Map<string, RetryTopicInfo>();

  constructor(config: RetryTopicSource) {
    for (const originalTopic of config.topics) {
      for (const delayMs of config.failurePolicy?.retryTopics ?? []) {
        this.byName.set(retryTopicName(originalTopic, delayMs), { originalTopic, delayMs });
      }
    }
  }

  /** Whether the group has any retry topic. */
  get isEmpty(): boolean {
    return this.byName.size === 0;
  }

  /** Every retry topic name. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The retry topic `topic`, or `undefined` when it is not one of this group's. */
  get(topic: string): RetryTopicInfo | undefined {
    return this.byName.get(topic);
  }
}

/** Whether `message` was read from a retry topic (its handler sees a retry, not a first delivery). */
export function isRetryRecord(message: Pick<KafkaMessage, 'topic' | 'getHeader'>): boolean {
  return originalTopicOf(message) !== message.topic;
}

/** The parts of a group's resolved failure policy the retry and dead-letter topics come from. */
export interface FailureTopicPolicy {
  /** Retry-topic delays, ms, in order. */
  readonly retryTopics: readonly number[];
  readonly then: FailureAction;
  /** Explicit dead-letter topic; `undefined` = `<topic>.DLT`. */
  readonly deadLetterTopic: string | undefined;
}

/** The fields of a group's resolved config the retry topics come from. */
export interface RetryTopicSource {
  readonly topics: readonly string[];
  readonly failurePolicy?: FailureTopicPolicy;
}

/**
 * Every retry topic a group consumes besides its own topics (see {@link retryTopicsOf}). They are
 * always read from their beginning when the group has no committed offset there: a record
 * forwarded before the group's first commit on a retry topic must not be skipped.
 */
export function groupRetryTopics(config: RetryTopicSource): string[] {
  return retryTopicNames(config.topics, config.failurePolicy?.retryTopics ?? []);
}
