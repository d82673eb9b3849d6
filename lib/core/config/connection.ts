import type { KafkaLogger, KafkaLogLevel } from '../logger.js';
import type { SecurityConfig } from '../security.js';
import { checkSecurityConfig } from '../security/resolve.js';
import { checkBrokers, type ConfigChecker } from './validate.js';

/** Settings every producer, consumer group and admin client shares. */
export interface ConnectionConfig {
  /** Bootstrap brokers as `host:port` (at least one). */
  brokers: string[];
  /** Client id sent to the broker. Default `nestjs-kafka-channels`. */
  clientId?: string;
  /** TLS / mTLS / SASL settings. Default: plaintext. */
  security?: SecurityConfig;
  /** Where library logs go. Default: console, from `info`. */
  logger?: KafkaLogger;
  /** Verbosity of kafkajs' own logs routed to `logger`. Default `warn`. */
  kafkaJsLogLevel?: KafkaLogLevel;
  /** First pause of the background initialisation retries, ms. Default 200. */
  minRetryPeriod?: number;
  /** Longest pause of the background initialisation retries, ms. Default 32000. */
  maxRetryPeriod?: number;
  /** Socket connect timeout, ms. Default 3000. */
  connectionTimeout?: number;
}

/** Defaults shared by producers and consumer groups (dp-kafka's where it has one). */
export const CONNECTION_DEFAULTS = {
  clientId: 'nestjs-kafka-channels',
  kafkaJsLogLevel: 'warn' as KafkaLogLevel,
  minRetryPeriod: 200,
  maxRetryPeriod: 32_000,
  connectionTimeout: 3_000,
} as const;

/** Validates the shared fields into `checker`, `security` included (its PEM files are read once). */
export function checkConnectionConfig(checker: ConfigChecker, config: Partial<ConnectionConfig>): void {
  checkBrokers(checker, config.brokers);
  if (config.clientId !== undefined) checker.nonEmptyString(config.clientId, 'clientId');
  checker.positive(config.minRetryPeriod, 'minRetryPeriod');
  checker.positive(config.maxRetryPeriod, 'maxRetryPeriod');
  checker.positive(config.connectionTimeout, 'connectionTimeout');
  checker.oneOf(config.kafkaJsLogLevel, ['debug', 'info', 'warn', 'error', 'nothing'], 'kafkaJsLogLevel');
  const min = config.minRetryPeriod ?? CONNECTION_DEFAULTS.minRetryPeriod;
  const max = config.maxRetryPeriod ?? CONNECTION_DEFAULTS.maxRetryPeriod;
  // Compare only two valid numbers; an invalid one is already reported above.
  if (min > 0 && max > 0) {
    checker.require(min <= max, 'minRetryPeriod', 'must be smaller than or equal to maxRetryPeriod');
  }
  checkSecurityConfig(checker, config.security);
}
