import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as this library uses it. */
export type OtelApiModule = typeof OtelApi;

let loaded: OtelApiModule | null | undefined;

/**
 * `@opentelemetry/api` when the application installed it, else `undefined`. It is an optional
 * peer dependency: this is the only place that loads it, once, and every caller treats
 * `undefined` as "telemetry off", so without it the library runs with no error and no cost.
 * The application's own copy is used, so the global tracer, meter and propagator it registered
 * are the ones this library reports to.
 */
export function otelApi(): OtelApiModule | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer: absent is a normal case, not an error
      loaded = require('@opentelemetry/api') as OtelApiModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

let noopTracerProvider: unknown;

/**
 * Whether a tracer provider (an SDK) is registered globally. Checked per record, so tracing starts
 * when an SDK is registered after a client was built; while none is, a record costs this check
 * only (no no-op span, no propagation). The API's own no-op provider is what an unconfigured
 * `ProxyTracerProvider` delegates to.
 */
export function tracerProviderRegistered(api: OtelApiModule): boolean {
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  const provider = api.trace.getTracerProvider() as { getDelegate?: () => unknown };
  return typeof provider.getDelegate !== 'function' || provider.getDelegate() !== noopTracerProvider;
}
