import type { Span } from '@opentelemetry/api';
import { describeCause } from '../errors.js';
import type { OtelApiModule } from './otel-api.js';

/**
 * `error.type` of a failed operation: the error's class name (`ProducerSendError`,
 * `MessageDecodeError`, or the handler's own class), else `_OTHER` as the conventions ask.
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const name = error.constructor?.name;
    if (name && name !== 'Error') return name;
    return error.name || 'Error';
  }
  return '_OTHER';
}

/** Marks `span` as failed with `error`: `error.type`, the exception event and an ERROR status. */
export function recordFailure(api: OtelApiModule, span: Span, error: unknown): void {
  span.setAttribute('error.type', errorTypeOf(error));
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: describeCause(error) });
}
