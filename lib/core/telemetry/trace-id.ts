import { otelApi } from './otel-api.js';

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}/;
const ZEROS = /^0+$/;

/**
 * The trace id in a W3C `traceparent` header value, if valid. Parsed by hand, without
 * `@opentelemetry/api`, so log lines about a record carry it even where tracing is off.
 */
export function traceIdOfHeader(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined;
  const traceId = TRACEPARENT.exec(traceparent)?.[1];
  return traceId === undefined || ZEROS.test(traceId) ? undefined : traceId;
}

/**
 * The trace id of the active span (e.g. inside a message handler, whose span is active), or
 * `undefined` without `@opentelemetry/api`, without an active span, or when it is not valid.
 */
export function currentTraceId(): string | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const spanContext = api.trace.getSpan(api.context.active())?.spanContext();
  return spanContext && api.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
