import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { KafkaMessage } from '../message.js';

/** Reads propagation headers (`traceparent`, `tracestate`, `baggage`, …) of a consumed record. */
export const messageHeaderGetter: TextMapGetter<KafkaMessage> = {
  get: (message, key) => message.getHeader(key),
  keys: (message) => Object.keys(message.headers),
};

/** Writes propagation headers into a plain object, merged into the produced record's headers. */
export const recordHeaderSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
