import {
  CONNECTION_OPTION_NAMES,
  checkConnectionConfig,
  resolveConnectionConfig,
  type ConnectionConfig,
  type ResolvedConnectionConfig,
} from '../config/connection.js';
import { ConfigChecker, optionNames } from '../config/validate.js';

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

/** Every option name of {@link AdminConfig} (the docs' option tables are checked against it). */
export const ADMIN_OPTION_NAMES = [
  ...CONNECTION_OPTION_NAMES,
  ...optionNames<Omit<AdminConfig, keyof ConnectionConfig>>({ retryMax: true, retryBackoff: true }),
];

/** An admin config after validation, every default applied. */
export interface ResolvedAdminConfig extends ResolvedConnectionConfig {
  readonly retryMax: number;
  readonly retryBackoff: number;
}

/** Validates an admin config, security included. @throws KafkaConfigError naming every bad field */
export function validateAdminConfig(config: AdminConfig): void {
  resolveAdminConfig(config);
}

/** Validates an admin config and applies the defaults. @throws KafkaConfigError naming every bad field */
export function resolveAdminConfig(config: AdminConfig): ResolvedAdminConfig {
  const checker = new ConfigChecker();
  if (!checker.require(typeof config === 'object' && config !== null, 'config', 'is required (an object)')) {
    checker.throwIfAny('admin');
  }
  checker.knownKeys(config, ADMIN_OPTION_NAMES);
  checkConnectionConfig(checker, config);
  checker.positive(config.retryMax, 'retryMax', { allowZero: true, integer: true });
  checker.positive(config.retryBackoff, 'retryBackoff');
  checker.throwIfAny('admin');
  return Object.freeze({
    ...resolveConnectionConfig(config),
    retryMax: config.retryMax ?? ADMIN_DEFAULTS.retryMax,
    retryBackoff: config.retryBackoff ?? ADMIN_DEFAULTS.retryBackoff,
  });
}
