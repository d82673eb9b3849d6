import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';

/**
 * TLS / mTLS settings. Each PEM field holds PEM text when it starts with `-----BEGIN `,
 * otherwise the path of a PEM file.
 */
export interface SecurityConfig {
  /** Turn TLS on. Implied by any certificate field. */
  tls?: boolean;
  /** CA certificate(s); when given they replace the system roots. */
  caCerts?: string;
  /** Client certificate for mTLS. */
  clientCert?: string;
  /** Client private key for mTLS. */
  clientKey?: string;
  /** Skip server certificate verification (tests only). */
  insecureSkipVerify?: boolean;
}

/** kafkajs connection options derived from a {@link SecurityConfig}. */
export interface KafkaJsSecurity {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

/** Reads a PEM value: the text itself, or the content of the file it names. */
export function readPem(value: string): string {
  return value.trimStart().startsWith('-----BEGIN ') ? value : readFileSync(value, 'utf8');
}

/** Builds kafkajs `ssl`/`sasl` options; undefined security means plaintext. */
export function toKafkaJsSecurity(security: SecurityConfig | undefined): KafkaJsSecurity {
  if (!security) return {};
  const tlsOn = security.tls || security.caCerts || security.clientCert || security.clientKey;
  if (!tlsOn) return {};
  return {
    ssl: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: !security.insecureSkipVerify,
      ...(security.caCerts ? { ca: [readPem(security.caCerts)] } : {}),
      ...(security.clientCert ? { cert: readPem(security.clientCert) } : {}),
      ...(security.clientKey ? { key: readPem(security.clientKey) } : {}),
    },
  };
}
