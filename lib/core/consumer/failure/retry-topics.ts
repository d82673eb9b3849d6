import type { KafkaMessage } from '../../message.js';
import { FAILURE_HEADERS } from './failure-headers.js';
import { deadLetterTopicName, retryTopicName } from './failure-policy.js';

const RETRY_TOPIC = /^(.+)\.retry-(\d+)$/;

/**
 * The topic a record was first read from. For a record read from a retry topic
 * (`<original>.retry-<delay>`) that is its `kafka_dlt-original-topic` header, or the name without
 * the `.retry-<delay>` suffix when the header is missing; for any other record, its own topic (a
 * record replayed from a dead-letter topic onto its original topic counts as new there).
 */
export function originalTopicOf(message: Pick<KafkaMessage, 'topic' | 'getHeader'>): string {
  const match = RETRY_TOPIC.exec(message.topic);
  if (!match) return message.topic;
  return message.getHeader(FAILURE_HEADERS.originalTopic) || match[1]!;
}

/**
 * How many retry topics a record has been through: 0 for a record read from its original topic,
 * k for one read from the k-th retry topic of `delays`. A retry topic whose delay is not in
 * `delays` (the policy changed) counts as the last one with a delay at or below it.
 */
export function retryStageOf(message: Pick<KafkaMessage, 'topic' | 'getHeader'>, delays: readonly number[]): number {
  const original = originalTopicOf(message);
  if (original === message.topic) return 0;
  const index = delays.findIndex((d) => retryTopicName(original, d) === message.topic);
  if (index >= 0) return index + 1;
  const delay = Number(RETRY_TOPIC.exec(message.topic)?.[2] ?? 0);
  return delays.filter((d) => d <= delay).length;
}

/** The retry topic a failed record goes to next, or `undefined` when it has been through them all. */
export function nextRetryTopic(
  message: Pick<KafkaMessage, 'topic' | 'getHeader'>,
  delays: readonly number[],
): { readonly topic: string; readonly delayMs: number } | undefined {
  const stage = retryStageOf(message, delays);
  if (stage >= delays.length) return undefined;
  const delayMs = delays[stage]!;
  return { topic: retryTopicName(originalTopicOf(message), delayMs), delayMs };
}

/** The dead-letter topic of a failed record: the policy's, or `<original topic>.DLT`. */
export function deadLetterTopicOf(message: Pick<KafkaMessage, 'topic' | 'getHeader'>, configured: string | undefined): string {
  return configured ?? deadLetterTopicName(originalTopicOf(message));
}
