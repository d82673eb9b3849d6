import type { Admin } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import { describeSecurity, toKafkaError } from '../security.js';
import { resolveAdminConfig, type AdminConfig } from './admin-config.js';

/**
 * Creates and connects a kafkajs admin client (dp-kafka's `NewAdmin`) with the config's
 * brokers and security. The caller owns it and must `disconnect()` it.
 *
 * @throws KafkaConfigError naming every bad field, before any network call
 * @throws KafkaAuthorizationError when the broker refuses the client (TLS certificate, SASL)
 * @throws KafkaOperationError when the brokers cannot be reached
 */
export async function createAdmin(config: AdminConfig): Promise<Admin> {
  const resolved = resolveAdminConfig(config);
  const { logger } = resolved;
  const retry = { retries: resolved.retryMax, initialRetryTime: resolved.retryBackoff };
  // kafkajs takes the connection retries from the client and the request retries from the admin.
  const admin = createKafkaClient(resolved, logger, { retry }).admin({ retry });
  try {
    await admin.connect();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw toKafkaError(error, 'failed to connect the kafka admin client', {
      brokers: config.brokers,
      security: describeSecurity(config.security),
    });
  }
  logger.debug('kafka admin client connected', { brokers: config.brokers, security: describeSecurity(config.security) });
  return admin;
}
