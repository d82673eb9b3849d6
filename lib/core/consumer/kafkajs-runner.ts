/**
 * kafkajs' internal consumer `Runner` class, which two of our guards patch (the stop guard and the
 * rejoin hook). Loaded from the same file the public `kafkajs` entry point loads, so the consumers
 * it builds see the patches. `require` because it is a deep internal path with no types and no
 * ESM entry (lib/ compiles to CommonJS).
 */

/**
 * The prototype of kafkajs' `Runner`, typed as `T` by the caller, when it loads and has `method`;
 * `undefined` when kafkajs moved or reshaped it (the caller then leaves kafkajs as it is).
 */
export function loadKafkaJsRunnerPrototype<T extends object>(method: string): T | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped deep kafkajs internal
    const Runner: unknown = require('kafkajs/src/consumer/runner.js');
    const prototype = (Runner as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    return typeof prototype?.[method] === 'function' ? (prototype as T) : undefined;
  } catch {
    return undefined;
  }
}
