import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  type ExportResult,
} from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ProducerConfig } from '../lib/core/config/producer.js';
import type { CaseParams } from './protocol.js';

/** Counts spans and drops them: the export itself (network, serialisation) is not this library's cost. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** A reader that aggregates what is recorded and is never asked to export (as between scrapes). */
class IdleMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/**
 * Sets a case process up as `params.telemetry` says and returns the client settings that go with
 * it: `off` turns both switches off; `api` does nothing (the API is installed, no SDK); `sdk`
 * registers what an application would (context manager, W3C propagators, a tracer provider with
 * the batch span processor, a meter provider) before the clients are built.
 */
export function benchTelemetry(params: CaseParams): Partial<Pick<ProducerConfig, 'tracing' | 'metrics'>> {
  if (params.telemetry === 'off') return { tracing: false, metrics: false };
  if (params.telemetry === 'sdk' && !registered) {
    registered = true;
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DiscardingExporter())] }));
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new IdleMetricReader()] }));
  }
  return {};
}

let registered = false;
