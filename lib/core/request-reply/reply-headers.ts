/**
 * Header names of request-reply on Kafka as `@nestjs/microservices` writes and reads them (its
 * `KafkaHeaders` enum, which borrows Spring Kafka's `kafka_` names), so a request from either side
 * is answered by the other.
 */
export const REPLY_HEADERS = {
  /** Chosen by the requester, copied onto every reply; matches a reply to its request. */
  correlationId: 'kafka_correlationId',
  /** The topic the requester reads replies from (`<pattern>.reply` by default). */
  replyTopic: 'kafka_replyTopic',
  /** The reply topic's partition this requester instance owns (a decimal string). */
  replyPartition: 'kafka_replyPartition',
  /** On a reply: the handler failed; the value is the error, JSON for an object. */
  error: 'kafka_nest-err',
  /** On a reply: the last one of its request (the handler's stream completed). */
  disposed: 'kafka_nest-is-disposed',
} as const;

/** The reply topic the built-in transport derives from a request pattern. */
export function defaultReplyTopic(pattern: string): string {
  return `${pattern}.reply`;
}
