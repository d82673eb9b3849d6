import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { ErrorHub } from '../error-stream.js';
import type { SendOptions } from '../producer/record.js';
import { errorTypeOf, recordFailure } from './error-type.js';
import { instruments, type Instruments } from './instruments.js';
import { otelApi, tracerProviderRegistered, type OtelApiModule } from './otel-api.js';
import { recordHeaderSetter } from './record-carrier.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  INSTRUMENTATION_SCOPE,
  MESSAGING_SYSTEM_KAFKA,
} from './semconv.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';

/** Runs one send with the trace headers to add to its record (`undefined`: none). */
export type TracedSend = (traceHeaders: Record<string, string> | undefined) => Promise<void>;

/**
 * A producer's spans and metrics. One PRODUCER span `send <topic>` per `send*()` call (one record
 * each), started in the caller's context (so an HTTP request's span is its parent), injected
 * into the record's headers through the global propagator, ended when the record is acknowledged
 * or fails. Records the batcher coalesces each keep their own span: every record's context is
 * its own, which is what a consumer needs to parent its process span.
 */
export class ProducerTelemetry {
  private readonly baseAttributes: Attributes;
  private readonly sendAttributes: Attributes;
  private readonly failedAttributes = new Map<string, Attributes>();
  private readonly stopObservingErrors: (() => void) | undefined;

  private constructor(
    private readonly api: OtelApiModule,
    private readonly topic: string,
    private readonly tracer: Tracer | undefined,
    private readonly metrics: Instruments | undefined,
    errors: ErrorHub,
  ) {
    this.baseAttributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      [ATTR_MESSAGING_OPERATION_NAME]: 'send',
    };
    this.sendAttributes = { ...this.baseAttributes, [ATTR_MESSAGING_OPERATION_TYPE]: 'send' };
    const metricSet = metrics;
    if (metricSet) {
      this.stopObservingErrors = errors.observe((error) =>
        metricSet.errors.add(1, { ...this.baseAttributes, [ATTR_ERROR_TYPE]: errorTypeOf(error) }),
      );
    }
  }

  /**
   * The telemetry of a producer of `topic`, or `undefined` when both switches are off, when
   * `@opentelemetry/api` is not installed, or (metrics) when no SDK is registered.
   */
  static create(topic: string, options: ResolvedTelemetryOptions, errors: ErrorHub): ProducerTelemetry | undefined {
    const api = otelApi();
    if (!api) return undefined;
    const tracer = options.tracing ? api.trace.getTracer(INSTRUMENTATION_SCOPE) : undefined;
    const metrics = options.metrics ? instruments() : undefined;
    if (!tracer && !metrics) return undefined;
    return new ProducerTelemetry(api, topic, tracer, metrics, errors);
  }

  /**
   * Runs `send` inside a PRODUCER span, giving it the propagation headers of that span, and
   * records the send's metrics when it settles. Returns `send`'s own promise.
   */
  traceSend(options: SendOptions | undefined, send: TracedSend): Promise<void> {
    const { api, tracer, metrics } = this;
    let span: Span | undefined;
    let headers: Record<string, string> | undefined;
    if (tracer && tracerProviderRegistered(api)) {
      const parent = api.context.active();
      span = tracer.startSpan(`send ${this.topic}`, { kind: api.SpanKind.PRODUCER, attributes: this.sendAttributes }, parent);
      // No propagator registered (no SDK): nothing to inject, and the record keeps the shared headers.
      if (api.propagation.fields().length > 0) {
        const carrier: Record<string, string> = {};
        api.propagation.inject(api.trace.setSpan(parent, span), carrier, recordHeaderSetter);
        if (Object.keys(carrier).length > 0) headers = carrier;
      }
      if (!span.isRecording())
        span = undefined; // a no-op span: nothing to end or annotate
      else if (options) this.setRecordAttributes(span, options);
    }
    if (!span && !metrics) return send(headers);
    const startedAt = metrics ? performance.now() : 0;
    const result = send(headers);
    result.then(
      () => this.settled(span, startedAt, undefined),
      (error: unknown) => this.settled(span, startedAt, error),
    );
    return result;
  }

  /** Stops counting the producer's errors (call on close). */
  dispose(): void {
    this.stopObservingErrors?.();
  }

  private settled(span: Span | undefined, startedAt: number, error: unknown): void {
    const errorType = error === undefined ? undefined : errorTypeOf(error);
    if (span) {
      if (errorType !== undefined) recordFailure(this.api, span, error);
      span.end();
    }
    if (this.metrics) {
      const attributes = errorType === undefined ? this.baseAttributes : this.failureAttributes(errorType);
      this.metrics.sent.add(1, attributes);
      this.metrics.sendDuration.record((performance.now() - startedAt) / 1000, attributes);
    }
  }

  private setRecordAttributes(span: Span, options: SendOptions): void {
    if (typeof options.key === 'string') span.setAttribute(ATTR_MESSAGING_KAFKA_MESSAGE_KEY, options.key);
    if (typeof options.partition === 'number') span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(options.partition));
  }

  private failureAttributes(errorType: string): Attributes {
    let attributes = this.failedAttributes.get(errorType);
    if (!attributes) {
      attributes = { ...this.baseAttributes, [ATTR_ERROR_TYPE]: errorType };
      this.failedAttributes.set(errorType, attributes);
    }
    return attributes;
  }
}
