import { createConsoleLogger, type KafkaLogger, type KafkaLogLevel } from '../logger.js';
import type { SecurityConfig } from '../security.js';
import { checkSecurityConfig } from '../security/resolve.js';
import { checkBrokers, optionNames, type ConfigChecker } from './validate.js';

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

/** The option names of {@link ConnectionConfig}; each client config adds its own to these. */
export const CONNECTION_OPTION_NAMES = optionNames<ConnectionConfig>({
  brokers: true,
  clientId: true,
  security: true,
  logger: true,
  kafkaJsLogLevel: true,
  minRetryPeriod: true,
  maxRetryPeriod: true,
  connectionTimeout: true,
});

/**
 * The shared settings after validation, every default applied (brokers trimmed). Producers,
 * consumer groups and the clients built for them read these, never {@link CONNECTION_DEFAULTS}.
 */
export interface ResolvedConnectionConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly security: SecurityConfig | undefined;
  readonly logger: KafkaLogger;
  readonly kafkaJsLogLevel: KafkaLogLevel;
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  readonly connectionTimeout: number;
}

/**
 * Applies the connection defaults to an already validated config (see
 * {@link checkConnectionConfig}): the one place they are applied.
 */
export function resolveConnectionConfig(
  config: Readonly<Omit<ConnectionConfig, 'brokers'>> & { readonly brokers: readonly string[] },
): ResolvedConnectionConfig {
  return {
    brokers: Object.freeze(config.brokers.map((b) => b.trim())),
    clientId: config.clientId ?? CONNECTION_DEFAULTS.clientId,
    security: config.security ? { ...config.security } : undefined,
    logger: config.logger ?? createConsoleLogger(),
    kafkaJsLogLevel: config.kafkaJsLogLevel ?? CONNECTION_DEFAULTS.kafkaJsLogLevel,
    minRetryPeriod: config.minRetryPeriod ?? CONNECTION_DEFAULTS.minRetryPeriod,
    maxRetryPeriod: config.maxRetryPeriod ?? CONNECTION_DEFAULTS.maxRetryPeriod,
    connectionTimeout: config.connectionTimeout ?? CONNECTION_DEFAULTS.connectionTimeout,
  };
}

/**
 * Validates the shared fields into `checker`, security included (its PEM files are read once).
 * Unknown keys are the caller's to check: only it knows the full option list.
 */
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
  if (config.logger !== undefined) {
    const logger = config.logger as Partial<KafkaLogger> | null;
    checker.require(
      typeof logger === 'object' &&
        logger !== null &&
        ['debug', 'info', 'warn', 'error'].every((m) => typeof logger[m as keyof KafkaLogger] === 'function'),
      'logger',
      'must have debug, info, warn and error methods',
    );
  }
  checkSecurityConfig(checker, config.security);
}
