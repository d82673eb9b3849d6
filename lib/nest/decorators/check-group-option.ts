import type { HandlerOptions } from '../../core/consumer/failure/failure-config.js';
import { KafkaModuleError } from '../kafka-module.error.js';

/** Rejects a handler decorator without a usable group name, when the class is defined. */
export function checkGroupOption(decorator: string, options: unknown): void {
  const group: unknown = typeof options === 'object' && options !== null ? (options as { group?: unknown }).group : undefined;
  if (typeof group !== 'string' || group.trim() === '') {
    throw new KafkaModuleError([`${decorator} needs { group: '<consumer group name>' } (a non-empty string)`]);
  }
}

/** `{ failure }` with the decorator's `onError` / `handlerTimeoutMs`, or nothing when neither is set. */
export function failureMetadata(options: HandlerOptions): { failure?: HandlerOptions } {
  const { onError, handlerTimeoutMs } = options;
  if (onError === undefined && handlerTimeoutMs === undefined) return {};
  return { failure: { ...(onError !== undefined ? { onError } : {}), ...(handlerTimeoutMs !== undefined ? { handlerTimeoutMs } : {}) } };
}
