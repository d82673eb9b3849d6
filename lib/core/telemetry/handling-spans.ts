import type { Attributes, Span } from '@opentelemetry/api';
import type { KafkaMessage } from '../message.js';

// The process span of each record while its handler (or its batch's handler) runs.
const spans = new WeakMap<KafkaMessage, Span>();

/** Remembers `span` as the span of `message` while it is handled. */
export function setHandlingSpan(message: KafkaMessage, span: Span): void {
  spans.set(message, span);
}

/** Forgets the span of `message` (its handling ended). */
export function clearHandlingSpan(message: KafkaMessage): void {
  spans.delete(message);
}

/**
 * Adds an event to the span of `message` while that record is being handled: the hook for
 * failure handling to make retries and dead-lettering visible in the trace, e.g.
 * `addHandlingEvent(message, 'retry', { 'kafka_channels.retry.attempt': 2, 'error.type': 'TimeoutError' })`
 * or `addHandlingEvent(message, 'dead_letter', { 'messaging.destination.name': 'orders-dlt' })`.
 * Does nothing when the record has no recording span (tracing off, no SDK, no API, or not
 * being handled). For a record of a batch, the event goes on the batch's span.
 */
export function addHandlingEvent(message: KafkaMessage, name: string, attributes?: Attributes): void {
  spans.get(message)?.addEvent(name, attributes);
}

/**
 * Sets attributes on the span of `message` while it is handled (e.g. the attempt number of a
 * retry). Does nothing when the record has no recording span.
 */
export function setHandlingAttributes(message: KafkaMessage, attributes: Attributes): void {
  spans.get(message)?.setAttributes(attributes);
}
