import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { otelApi } from './otel-api.js';
import {
  INSTRUMENTATION_SCOPE,
  METRIC_CONSUMED_MESSAGES,
  METRIC_ERRORS,
  METRIC_OPERATION_DURATION,
  METRIC_PROCESS_DURATION,
  METRIC_REBALANCES,
  METRIC_SENT_MESSAGES,
} from './semconv.js';

// The conventions' advice for messaging durations, seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The synchronous instruments every producer and consumer group of one meter shares. */
export interface Instruments {
  readonly meter: Meter;
  readonly sent: Counter;
  readonly consumed: Counter;
  readonly sendDuration: Histogram;
  readonly processDuration: Histogram;
  readonly errors: Counter;
  readonly rebalances: Counter;
}

const byMeter = new WeakMap<Meter, Instruments>();

/**
 * The library's instruments on the global meter provider, or `undefined` when there is nothing
 * to report to: no `@opentelemetry/api`, or no SDK registered yet (the API's no-op meter). The
 * meter is taken when a client is built, so start the OpenTelemetry SDK before building clients.
 */
export function instruments(): Instruments | undefined {
  const api = otelApi();
  if (!api) return undefined;
  const meter = api.metrics.getMeter(INSTRUMENTATION_SCOPE);
  if (meter === api.createNoopMeter()) return undefined;
  let set = byMeter.get(meter);
  if (!set) {
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS };
    set = {
      meter,
      sent: meter.createCounter(METRIC_SENT_MESSAGES, { unit: '{message}', description: 'Records the producer handed to the broker.' }),
      consumed: meter.createCounter(METRIC_CONSUMED_MESSAGES, { unit: '{message}', description: 'Records handed to a handler.' }),
      sendDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
        unit: 's',
        description: 'Duration of a send, from the call to the acknowledgement.',
        advice,
      }),
      processDuration: meter.createHistogram(METRIC_PROCESS_DURATION, {
        unit: 's',
        description: 'Duration of a handler call (one record, or one batch).',
        advice,
      }),
      errors: meter.createCounter(METRIC_ERRORS, {
        unit: '{error}',
        description: 'Errors emitted on a client errors stream, by error.type.',
      }),
      rebalances: meter.createCounter(METRIC_REBALANCES, {
        unit: '{rebalance}',
        description: 'Times a consumer group member joined its group (first join and every rebalance).',
      }),
    };
    byMeter.set(meter, set);
  }
  return set;
}
