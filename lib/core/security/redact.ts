import type { LogData } from '../errors.js';
import type { SecurityConfig } from './config.js';
import { describePemSource } from './pem.js';

/**
 * A summary of a {@link SecurityConfig} that is safe to log: which protections are on and where
 * PEM material comes from (file paths, or `inline PEM`), never PEM content or the password.
 */
export function describeSecurity(security: SecurityConfig | undefined): LogData {
  if (security === undefined) return { tls: false, sasl: 'none' };
  const source = (value: string | undefined) => (value && value.trim() !== '' ? describePemSource(value) : undefined);
  return {
    tls: security.tls !== false,
    mutualTls: Boolean(source(security.clientCert) && source(security.clientKey)),
    caCerts: source(security.caCerts) ?? 'system roots',
    ...(source(security.clientCert) ? { clientCert: source(security.clientCert) } : {}),
    ...(source(security.clientKey) ? { clientKey: source(security.clientKey) } : {}),
    insecureSkipVerify: security.insecureSkipVerify === true,
    sasl: security.sasl ? `${security.sasl.mechanism} as ${security.sasl.username}` : 'none',
  };
}
