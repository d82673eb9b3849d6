import type { KafkaMessage } from '../../message.js';
import { FAILURE_HEADERS } from '../failure/failure-headers.js';
import { retryTopicName, type FailureAction, type OnHandlerError } from '../failure/failure-policy.js';

/** What a retry topic's name says: whose retry topic it is and its delay. */
export interface RetryTopicInfo {
  /** The topic the records were first read from. */
  readonly originalTopic: string;
  /** The delay of this retry topic, ms. */
  readonly delayMs: number;
}

/** `<topic>.retry-<delay>`; the topic part may itself contain dots. */
const RETRY_TOPIC_PATTERN = /^(.+)\.retry-(\d+)$/;

/** The delays (ms) of `policy`'s retry topics, in order; empty when it has none. */
export function retryTopicDelays(policy: OnHandlerError | undefined): readonly number[] {
  return typeof policy === 'object' && policy.retryTopics ? policy.retryTopics : [];
}

/**
 * Every retry topic of `topics` under `policy` (each topic's delays in order), e.g.
 * `['orders.retry-1000', 'orders.retry-10000']`. The group consumes these besides `topics`.
 */
export function retryTopicsOf(topics: readonly string[], policy: OnHandlerError | undefined): string[] {
  const delays = retryTopicDelays(policy);
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

/** Reads a retry topic name (`orders.retry-1000`), or `undefined` when `topic` is not one. */
export function parseRetryTopicName(topic: string): RetryTopicInfo | undefined {
  const match = RETRY_TOPIC_PATTERN.exec(topic);
  if (!match) return undefined;
  return { originalTopic: match[1]!, delayMs: Number(match[2]) };
}

/**
 * The topic a record belongs to for routing: for a record read from a retry topic
 * (`<topic>.retry-<delay>`), the topic it was first read from (its `kafka_dlt-original-topic`
 * header, else the name's `<topic>` part); for any other record, its own topic. A record read
 * from a dead-letter topic keeps its own topic, so a group that consumes a DLT on purpose sees
 * the DLT. Handlers and topic routing (Nest) use this so a retried record reaches the handler of
 * its original topic.
 */
export function originalTopicOf(message: Pick<KafkaMessage, 'topic' | 'headers'>): string {
  const fromName = parseRetryTopicName(message.topic);
  if (!fromName) return message.topic;
  const header = message.headers[FAILURE_HEADERS.originalTopic]?.toString();
  // The header wins when it names the same retry family (a topic whose name itself ends in
  // ".retry-<n>" is read correctly that way); otherwise the name is the better witness.
  return header !== undefined && message.topic.startsWith(`${header}.retry-`) ? header : fromName.originalTopic;
}

/** Whether `message` was read from a retry topic (its handler sees a retry, not a first delivery). */
export function isRetryRecord(message: Pick<KafkaMessage, 'topic' | 'headers'>): boolean {
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
  const delays = config.failurePolicy?.retryTopics ?? [];
  return config.topics.flatMap((topic) => delays.map((delay) => retryTopicName(topic, delay)));
}
