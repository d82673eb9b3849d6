import { loadPem } from '../security/pem.js';
import type { SecurityConfig } from '../security/config.js';
import type { ConnectionConfig } from './connection.js';
import { ConfigChecker, checkBrokers } from './validate.js';

/** The environment variables read by {@link kafkaConfigFromEnv}, as dp-kafka services name them. */
export const KAFKA_ENV = {
  brokers: 'KAFKA_ADDR',
  protocol: 'KAFKA_SEC_PROTO',
  caCerts: 'KAFKA_SEC_CA_CERTS',
  clientCert: 'KAFKA_SEC_CLIENT_CERT',
  clientKey: 'KAFKA_SEC_CLIENT_KEY',
  skipVerify: 'KAFKA_SEC_SKIP_VERIFY',
} as const;

/** Fallbacks for variables that are unset or empty. */
export interface KafkaEnvDefaults {
  /** Brokers used when `KAFKA_ADDR` is unset. Default: none, so `KAFKA_ADDR` is required. */
  brokers?: string[];
}

/** The shared connection options read from the environment. */
export type KafkaEnvConfig = Pick<ConnectionConfig, 'brokers' | 'security'>;

// Go's strconv.ParseBool spellings, which dp-kafka services accept.
const TRUE_VALUES = ['1', 't', 'true'];
const FALSE_VALUES = ['0', 'f', 'false'];

/**
 * Reads the shared connection options from environment variables:
 * - `KAFKA_ADDR`: comma-separated `host:port` list (required unless `defaults.brokers`);
 * - `KAFKA_SEC_PROTO`: `TLS` turns TLS on; unset or empty means plaintext;
 * - `KAFKA_SEC_CA_CERTS`, `KAFKA_SEC_CLIENT_CERT`, `KAFKA_SEC_CLIENT_KEY`: PEM text or file path
 *   (only with `KAFKA_SEC_PROTO=TLS`; cert and key go together);
 * - `KAFKA_SEC_SKIP_VERIFY`: `true`/`false` (also `1`/`0`, `t`/`f`), default false.
 *
 * Never changes `env`. Throws one `KafkaConfigError` naming every invalid variable; PEM content
 * never appears in it.
 */
export function kafkaConfigFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  defaults: KafkaEnvDefaults = {},
): KafkaEnvConfig {
  const checker = new ConfigChecker();
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const addr = read(KAFKA_ENV.brokers);
  const brokers =
    addr === undefined
      ? defaults.brokers
      : addr
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean);
  checkBrokers(checker, brokers, KAFKA_ENV.brokers);

  const protocol = read(KAFKA_ENV.protocol);
  checker.require(protocol === undefined || protocol === 'TLS', KAFKA_ENV.protocol, 'must be TLS or unset');
  const tls = protocol === 'TLS';

  const skipVerifyText = read(KAFKA_ENV.skipVerify)?.toLowerCase();
  const skipVerify = skipVerifyText !== undefined && TRUE_VALUES.includes(skipVerifyText);
  checker.require(
    skipVerifyText === undefined || TRUE_VALUES.includes(skipVerifyText) || FALSE_VALUES.includes(skipVerifyText),
    KAFKA_ENV.skipVerify,
    'must be true or false',
  );

  const pems: Partial<Record<'caCerts' | 'clientCert' | 'clientKey', string>> = {};
  for (const field of ['caCerts', 'clientCert', 'clientKey'] as const) {
    const value = read(KAFKA_ENV[field]);
    if (value === undefined) continue;
    const loaded = loadPem(value);
    checker.require(loaded.ok, KAFKA_ENV[field], loaded.ok ? '' : loaded.problem);
    checker.require(tls, KAFKA_ENV[field], `is set but ${KAFKA_ENV.protocol} is not TLS`);
    pems[field] = value;
  }
  checker.require(
    (pems.clientCert === undefined) === (pems.clientKey === undefined),
    pems.clientCert === undefined ? KAFKA_ENV.clientCert : KAFKA_ENV.clientKey,
    `is required when ${pems.clientCert === undefined ? KAFKA_ENV.clientKey : KAFKA_ENV.clientCert} is set (mutual TLS needs both)`,
  );
  checker.throwIfAny('kafka environment');

  const security: SecurityConfig | undefined = tls ? { tls: true, ...pems, insecureSkipVerify: skipVerify } : undefined;
  return { brokers: [...(brokers ?? [])], ...(security ? { security } : {}) };
}
