import type { Attributes, BatchObservableCallback, Context, Link, ObservableGauge, Span, Tracer } from '@opentelemetry/api';
import type { BatchHandler } from '../consumer/batch-dispatcher.js';
import type { MessageHandler } from '../consumer/message-dispatcher.js';
import { ConsumerState, consumerStateName } from '../consumer/state.js';
import type { ErrorHub } from '../error-stream.js';
import type { HealthReport } from '../health/health-types.js';
import type { KafkaMessage } from '../message.js';
import { errorTypeOf, recordFailure } from './error-type.js';
import { clearHandlingSpan, setHandlingSpan } from './handling-spans.js';
import { instruments, type Instruments } from './instruments.js';
import { otelApi, tracerProviderRegistered, type OtelApiModule } from './otel-api.js';
import { messageHeaderGetter } from './record-carrier.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GROUP_STATE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  INSTRUMENTATION_SCOPE,
  MESSAGING_SYSTEM_KAFKA,
  METRIC_CONSUMER_LAG,
  METRIC_GROUP_STATE,
} from './semconv.js';
import type { ResolvedTelemetryOptions } from './telemetry-options.js';

/** The consumer-group surface the telemetry reads (ConsumerGroupCore fits it). */
export interface TelemetryGroup {
  readonly groupName: string;
  readonly errors: ErrorHub;
  readonly state: ConsumerState;
  onStateChange(listener: (state: ConsumerState, previous: ConsumerState) => void): () => void;
  /** The cached health report, whose `consumerGroup.lag` feeds the lag gauge. Never rejects. */
  checker(): Promise<HealthReport>;
}

const STATES = Object.values(ConsumerState).filter((v): v is ConsumerState => typeof v === 'number');

/**
 * A consumer group's spans and metrics. Handlers are wrapped where they are installed
 * ({@link traceMessageHandler}, {@link traceBatchHandler}); the wrapper rethrows whatever the
 * handler throws, so the dispatcher's failure handling is unchanged.
 *
 * - A CONSUMER span `process <topic>` per handled record, child of the context extracted from its
 *   headers (the producer's send span) and linked to it; the handler runs with that span active,
 *   so spans it creates (HTTP, database, a send) nest under it.
 * - One CONSUMER span `process <topic>` (or `process` across topics) per batch-handler call,
 *   linked to every record's context, in the ambient context of the dispatcher.
 * - Metrics: consumed records, processing duration (with `error.type` on failure), errors emitted
 *   on the group's stream by type, lag per partition and state (observed), joins/rebalances.
 */
export class ConsumerTelemetry {
  private readonly base: Attributes;
  private readonly processAttributes: Attributes;
  private readonly partitionAttributes = new Map<string, Attributes>();
  private readonly cleanups: Array<() => void> = [];

  private constructor(
    private readonly api: OtelApiModule,
    private readonly group: TelemetryGroup,
    private readonly tracer: Tracer | undefined,
    private readonly metrics: Instruments | undefined,
  ) {
    this.base = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: group.groupName,
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
    };
    this.processAttributes = { ...this.base, [ATTR_MESSAGING_OPERATION_TYPE]: 'process' };
    if (metrics) this.observe(metrics);
  }

  /**
   * The telemetry of `group`, or `undefined` when both switches are off, when
   * `@opentelemetry/api` is not installed, or (metrics) when no SDK is registered.
   */
  static create(group: TelemetryGroup, options: ResolvedTelemetryOptions): ConsumerTelemetry | undefined {
    const api = otelApi();
    if (!api) return undefined;
    const tracer = options.tracing ? api.trace.getTracer(INSTRUMENTATION_SCOPE) : undefined;
    const metrics = options.metrics ? instruments() : undefined;
    if (!tracer && !metrics) return undefined;
    return new ConsumerTelemetry(api, group, tracer, metrics);
  }

  /** `handler` inside a process span per record, with the record's metrics. */
  traceMessageHandler(handler: MessageHandler): MessageHandler {
    // Not async: with the API loaded and no SDK registered, a record costs one check and no extra
    // promise (see bench, ours-handler-1w vs ours-handler-1w-otel-off).
    return (message, workerId) => {
      const { api, tracer, metrics } = this;
      if (!tracer || !tracerProviderRegistered(api)) {
        return metrics ? this.handleMessage(handler, message, workerId, undefined, undefined) : handler(message, workerId);
      }
      const active = api.context.active();
      const parent = api.propagation.fields().length > 0 ? api.propagation.extract(active, message, messageHeaderGetter) : active;
      const creation = parent === active ? undefined : api.trace.getSpanContext(parent);
      const links: Link[] | undefined = creation && api.isSpanContextValid(creation) ? [{ context: creation }] : undefined;
      // The attributes known for every record of the group go in at creation (samplers see them);
      // the record's own are set only on a span that records.
      const span = tracer.startSpan(
        `process ${message.topic}`,
        { kind: api.SpanKind.CONSUMER, attributes: this.processAttributes, links },
        parent,
      );
      if (span.isRecording()) {
        span.setAttributes(this.messageSpanAttributes(message));
        return this.handleMessage(handler, message, workerId, span, api.trace.setSpan(parent, span));
      }
      // A non-recording span still carries a propagated (e.g. sampled-out) context to nested sends.
      if (parent !== active) return this.handleMessage(handler, message, workerId, undefined, api.trace.setSpan(parent, span));
      return metrics ? this.handleMessage(handler, message, workerId, undefined, undefined) : handler(message, workerId);
    };
  }

  private async handleMessage(
    handler: MessageHandler,
    message: KafkaMessage,
    workerId: number,
    span: Span | undefined,
    handlerContext: Context | undefined,
  ): Promise<void> {
    const { api, metrics } = this;
    if (!span && !handlerContext && !metrics) return handler(message, workerId);
    const startedAt = metrics ? performance.now() : 0;
    if (span) setHandlingSpan(message, span);
    let error: unknown;
    try {
      if (handlerContext) await api.context.with(handlerContext, handler, undefined, message, workerId);
      else await handler(message, workerId);
    } catch (thrown) {
      error = thrown ?? new Error('handler threw a nullish value');
      throw thrown;
    } finally {
      if (span) {
        clearHandlingSpan(message);
        this.endSpan(span, error);
      }
      if (metrics) {
        const attributes = this.partitionAttributesOf(message.topic, message.partition);
        metrics.consumed.add(1, attributes);
        metrics.processDuration.record(
          (performance.now() - startedAt) / 1000,
          error === undefined ? attributes : { ...attributes, [ATTR_ERROR_TYPE]: errorTypeOf(error) },
        );
      }
    }
  }

  /** `handler` inside one process span per batch, linked to every record's context, with the batch's metrics. */
  traceBatchHandler(handler: BatchHandler): BatchHandler {
    const { api, tracer, metrics } = this;
    return async (messages) => {
      let span: Span | undefined;
      let handlerContext: Context | undefined;
      if (tracer && tracerProviderRegistered(api)) {
        const active = api.context.active();
        const extract = api.propagation.fields().length > 0;
        const links: Link[] = [];
        for (const message of messages) {
          const context = extract ? api.trace.getSpanContext(api.propagation.extract(active, message, messageHeaderGetter)) : undefined;
          if (context && api.isSpanContextValid(context)) links.push({ context });
        }
        const topics = new Set(messages.map((m) => m.topic));
        const topic = topics.size === 1 ? [...topics][0] : undefined;
        const attributes: Attributes = {
          ...this.base,
          [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
          [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: messages.length,
        };
        if (topic !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = topic;
        const partitions = new Set(messages.map((m) => m.partition));
        if (topic !== undefined && partitions.size === 1)
          attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(messages[0]?.partition);
        span = tracer.startSpan(
          topic === undefined ? 'process' : `process ${topic}`,
          { kind: api.SpanKind.CONSUMER, attributes, links },
          active,
        );
        if (span.isRecording()) handlerContext = api.trace.setSpan(active, span);
        else span = undefined;
      }
      if (!span && !metrics) return handler(messages);
      const startedAt = metrics ? performance.now() : 0;
      if (span) for (const message of messages) setHandlingSpan(message, span);
      let error: unknown;
      try {
        if (handlerContext) await api.context.with(handlerContext, handler, undefined, messages);
        else await handler(messages);
      } catch (thrown) {
        error = thrown ?? new Error('handler threw a nullish value');
        throw thrown;
      } finally {
        if (span) {
          for (const message of messages) clearHandlingSpan(message);
          this.endSpan(span, error);
        }
        if (metrics) this.recordBatch(metrics, messages, performance.now() - startedAt, error);
      }
    };
  }

  /** Stops observing the group (gauges, error stream, state); call on close. */
  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private observe(metrics: Instruments): void {
    const { api, group } = this;
    const groupAttributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: group.groupName,
    };
    this.cleanups.push(
      group.errors.observe((error) => metrics.errors.add(1, { ...groupAttributes, [ATTR_ERROR_TYPE]: errorTypeOf(error) })),
      group.onStateChange((state, previous) => {
        if (state === ConsumerState.Consuming && previous !== ConsumerState.Consuming) metrics.rebalances.add(1, groupAttributes);
      }),
    );
    const lag: ObservableGauge = metrics.meter.createObservableGauge(METRIC_CONSUMER_LAG, {
      unit: '{message}',
      description: 'Records of a partition not yet committed by the group (log end offset minus committed offset).',
      valueType: api.ValueType.INT,
    });
    const state: ObservableGauge = metrics.meter.createObservableGauge(METRIC_GROUP_STATE, {
      unit: '1',
      description: "1 for the consumer group's current state, 0 for the others.",
      valueType: api.ValueType.INT,
    });
    const callback: BatchObservableCallback = async (result) => {
      const current = group.state;
      for (const s of STATES)
        result.observe(state, s === current ? 1 : 0, { ...groupAttributes, [ATTR_GROUP_STATE]: consumerStateName(s) });
      if (current === ConsumerState.Closing) return;
      const report = await group.checker();
      for (const partition of report.consumerGroup?.lag ?? []) {
        result.observe(lag, partition.lag, {
          ...groupAttributes,
          [ATTR_MESSAGING_DESTINATION_NAME]: partition.topic,
          [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(partition.partition),
        });
      }
    };
    metrics.meter.addBatchObservableCallback(callback, [lag, state]);
    this.cleanups.push(() => metrics.meter.removeBatchObservableCallback(callback, [lag, state]));
  }

  private endSpan(span: Span, error: unknown): void {
    if (error !== undefined) recordFailure(this.api, span, error);
    span.end();
  }

  private recordBatch(metrics: Instruments, messages: readonly KafkaMessage[], elapsedMs: number, error: unknown): void {
    let attributes: Attributes | undefined;
    let topic: string | undefined;
    let partition = -1;
    let count = 0;
    const flush = () => {
      if (attributes && count > 0) metrics.consumed.add(count, attributes);
    };
    for (const m of messages) {
      if (m.topic !== topic || m.partition !== partition) {
        flush();
        topic = m.topic;
        partition = m.partition;
        attributes = this.partitionAttributesOf(topic, partition);
        count = 0;
      }
      count++;
    }
    flush();
    const topics = new Set(messages.map((m) => m.topic));
    const durationAttributes: Attributes = { ...this.base };
    if (topics.size === 1) durationAttributes[ATTR_MESSAGING_DESTINATION_NAME] = messages[0]?.topic;
    if (error !== undefined) durationAttributes[ATTR_ERROR_TYPE] = errorTypeOf(error);
    metrics.processDuration.record(elapsedMs / 1000, durationAttributes);
  }

  /**
   * Makes one failure-handling step of `message` visible in its trace: a short INTERNAL span
   * `<step> <topic>` (`retry`, `retry_topic`, `dead_letter`, `commit_after_failure`, `stop`) under
   * the record's propagated context, next to its process spans, with `error.type` and `details`.
   * Nothing happens without a registered SDK.
   */
  failureStep(message: KafkaMessage, step: string, error: unknown, details: Attributes = {}): void {
    const { api, tracer } = this;
    if (!tracer || !tracerProviderRegistered(api)) return;
    const active = api.context.active();
    const parent = api.propagation.fields().length > 0 ? api.propagation.extract(active, message, messageHeaderGetter) : active;
    const attributes: Attributes = {
      ...this.processAttributes,
      ...this.messageSpanAttributes(message),
      [ATTR_ERROR_TYPE]: errorTypeOf(error),
      ...details,
    };
    tracer.startSpan(`${step} ${message.topic}`, { kind: api.SpanKind.INTERNAL, attributes }, parent).end();
  }

  private messageSpanAttributes(message: KafkaMessage): Attributes {
    const attributes: Attributes = {
      [ATTR_MESSAGING_DESTINATION_NAME]: message.topic,
      [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(message.partition),
      [ATTR_MESSAGING_KAFKA_OFFSET]: Number(message.offset),
    };
    if (message.key !== null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = message.key.toString('utf8');
    if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
    return attributes;
  }

  private partitionAttributesOf(topic: string, partition: number): Attributes {
    const key = `${topic}\u0000${partition}`;
    let attributes = this.partitionAttributes.get(key);
    if (!attributes) {
      attributes = {
        ...this.base,
        [ATTR_MESSAGING_DESTINATION_NAME]: topic,
        [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(partition),
      };
      this.partitionAttributes.set(key, attributes);
    }
    return attributes;
  }
}

/** `handler` traced and measured by `telemetry`, or `handler` itself when there is none. */
export function traceMessageHandler(handler: MessageHandler, telemetry: ConsumerTelemetry | undefined): MessageHandler {
  return telemetry ? telemetry.traceMessageHandler(handler) : handler;
}

/** `handler` traced and measured by `telemetry`, or `handler` itself when there is none. */
export function traceBatchHandler(handler: BatchHandler, telemetry: ConsumerTelemetry | undefined): BatchHandler {
  return telemetry ? telemetry.traceBatchHandler(handler) : handler;
}
