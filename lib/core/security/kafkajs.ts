import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigChecker } from '../config/validate.js';
import { TLS_MIN_VERSION, type SecurityConfig } from './config.js';
import { resolveSecurity } from './resolve.js';

/** kafkajs connection options derived from a {@link SecurityConfig}. */
export interface KafkaJsSecurity {
  /** kafkajs `ssl`: Node TLS options. */
  ssl?: ConnectionOptions;
  /** kafkajs `sasl`. */
  sasl?: SASLOptions;
}

/**
 * Builds kafkajs `ssl` / `sasl` options; `undefined` security means plaintext. TLS offers 1.2 at
 * least; a given CA replaces the system roots (Node's `ca` option does exactly that).
 *
 * @throws KafkaConfigError naming every bad `security.*` field
 */
export function toKafkaJsSecurity(security: SecurityConfig | undefined): KafkaJsSecurity {
  if (security === undefined) return {};
  const checker = new ConfigChecker();
  const resolved = resolveSecurity(checker, security, 'security');
  checker.throwIfAny('security');
  if (!resolved) return {};
  const ssl: ConnectionOptions | undefined = resolved.tls
    ? {
        minVersion: TLS_MIN_VERSION,
        rejectUnauthorized: resolved.rejectUnauthorized,
        ...(resolved.ca ? { ca: [...resolved.ca] } : {}),
        ...(resolved.cert ? { cert: resolved.cert } : {}),
        ...(resolved.key ? { key: resolved.key } : {}),
      }
    : undefined;
  const sasl: SASLOptions | undefined = resolved.sasl
    ? { mechanism: resolved.sasl.mechanism, username: resolved.sasl.username, password: resolved.sasl.password }
    : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}
