import { KafkaModuleError } from '../kafka-module.error.js';

/** Rejects a handler decorator without a usable group name, when the class is defined. */
export function checkGroupOption(decorator: string, options: unknown): void {
  const group: unknown = typeof options === 'object' && options !== null ? (options as { group?: unknown }).group : undefined;
  if (typeof group !== 'string' || group.trim() === '') {
    throw new KafkaModuleError([`${decorator} needs { group: '<consumer group name>' } (a non-empty string)`]);
  }
}
