/**
 * The security settings a producer, consumer group or admin client accepts: TLS / mutual TLS
 * (dp-kafka's `SecurityConfig`) and, beyond dp-kafka, SASL PLAIN and SCRAM.
 */

/** SASL mechanisms supported over kafkajs. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** One of {@link SASL_MECHANISMS}. */
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** SASL username/password authentication. */
export interface SaslConfig {
  /** `plain`, `scram-sha-256` or `scram-sha-512`. */
  mechanism: SaslMechanism;
  /** SASL user name. */
  username: string;
  /** SASL password. Never logged nor put in error messages. */
  password: string;
}

/**
 * TLS / mTLS / SASL settings. Giving a `security` object turns TLS on (as dp-kafka does for a
 * non-nil `SecurityConfig`); set `tls: false` to use SASL over a plaintext listener.
 *
 * Each PEM field holds PEM text when it starts with `-----BEGIN ` (literal `\n` two-character
 * sequences, as found in environment variables, become newlines), otherwise the path of a PEM file.
 */
export interface SecurityConfig {
  /** Use TLS. Default `true` whenever `security` is given. */
  tls?: boolean;
  /** CA certificate(s) that sign the brokers' certificates; when given they replace the system roots. */
  caCerts?: string;
  /** Client certificate (optionally followed by its chain) for mutual TLS; needs `clientKey`. */
  clientCert?: string;
  /** Unencrypted private key of `clientCert` (PKCS#8 or PKCS#1); needs `clientCert`. */
  clientKey?: string;
  /** Skip verification of the broker certificate. Only for tests: it allows man-in-the-middle attacks. */
  insecureSkipVerify?: boolean;
  /** SASL authentication. Default: none. */
  sasl?: SaslConfig;
}

/** Lowest TLS version offered to brokers (dp-kafka's minimum). */
export const TLS_MIN_VERSION = 'TLSv1.2';

/** The prefix that marks a PEM field as inline PEM text rather than a file path. */
export const PEM_PREFIX = '-----BEGIN ';

/**
 * Builds a {@link SecurityConfig} from dp-kafka's four positional values (`GetSecurityConfig`),
 * leaving out empty strings.
 */
export function getSecurityConfig(caCerts: string, clientCert: string, clientKey: string, insecureSkipVerify: boolean): SecurityConfig {
  return {
    ...(caCerts ? { caCerts } : {}),
    ...(clientCert ? { clientCert } : {}),
    ...(clientKey ? { clientKey } : {}),
    insecureSkipVerify,
  };
}
