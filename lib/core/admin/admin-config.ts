import { checkConnectionConfig, type ConnectionConfig } from '../config/connection.js';
import { ConfigChecker } from '../config/validate.js';

/**
 * Settings of an admin client (dp-kafka's `AdminConfig` plus the shared connection settings).
 * dp-kafka's `KafkaVersion` and `KeepAlive` have no kafkajs counterpart: kafkajs negotiates API
 * versions itself.
 */
export interface AdminConfig extends ConnectionConfig {
  /** How many times a failed admin request is retried. Default {@link ADMIN_DEFAULTS}.retryMax (5). */
  retryMax?: number;
  /** First pause between admin request retries, ms. Default {@link ADMIN_DEFAULTS}.retryBackoff (100). */
  retryBackoff?: number;
}

/** Admin defaults (sarama's, which dp-kafka keeps). */
export const ADMIN_DEFAULTS = {
  retryMax: 5,
  retryBackoff: 100,
} as const;

/** Validates an admin config, security included. @throws KafkaConfigError naming every bad field */
export function validateAdminConfig(config: AdminConfig): void {
  const checker = new ConfigChecker();
  if (!checker.require(typeof config === 'object' && config !== null, 'config', 'is required (an object)')) {
    checker.throwIfAny('admin');
  }
  checkConnectionConfig(checker, config);
  checker.positive(config.retryMax, 'retryMax', { allowZero: true, integer: true });
  checker.positive(config.retryBackoff, 'retryBackoff');
  checker.throwIfAny('admin');
}
