import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A metric reader that collects on demand (the SDK's readers are abstract over their export). */
export class InMemoryMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}

  /** Every metric of one collection. */
  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }
}

/** The SDK an application would start, registered globally, with in-memory span and metric sinks. */
export interface TestOtel {
  readonly spans: InMemorySpanExporter;
  readonly reader: InMemoryMetricReader;
  shutdown(): Promise<void>;
}

/**
 * Registers an OpenTelemetry SDK for this process (call before building clients, as an
 * application starts its SDK first): AsyncLocalStorage context, W3C trace context and baggage
 * propagation, spans into an in-memory exporter, metrics into an on-demand reader.
 */
export function startTestOtel(): TestOtel {
  const spans = new InMemorySpanExporter();
  const reader = new InMemoryMetricReader();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans,
    reader,
    shutdown: async () => {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The finished spans named `name`. */
export function spansNamed(exporter: InMemorySpanExporter, name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.name === name);
}

/** The data points of metric `name` whose attributes include `match`. */
export function pointsOf<T>(all: readonly MetricData[], name: string, match: Record<string, unknown> = {}): DataPoint<T>[] {
  const metric = all.find((m) => m.descriptor.name === name);
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<T>[]).filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

/** Sum of the counter `name` over points matching `match`. */
export function counterSum(all: readonly MetricData[], name: string, match: Record<string, unknown> = {}): number {
  return pointsOf<number>(all, name, match).reduce((sum, p) => sum + p.value, 0);
}

/** Number of recordings of the histogram `name` over points matching `match`. */
export function histogramCount(all: readonly MetricData[], name: string, match: Record<string, unknown> = {}): number {
  return pointsOf<Histogram>(all, name, match).reduce((sum, p) => sum + p.value.count, 0);
}
