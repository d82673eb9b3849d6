import type { Admin } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import { createConsoleLogger } from '../logger.js';
import { describeSecurity, toKafkaError } from '../security.js';
import { ADMIN_DEFAULTS, validateAdminConfig, type AdminConfig } from './admin-config.js';

/**
 * Creates and connects a kafkajs admin client (dp-kafka's `NewAdmin`) with the config's
 * brokers and security. The caller owns it and must `disconnect()` it.
 *
 * @throws KafkaConfigError naming every bad field, before any network call
 * @throws KafkaAuthorizationError when the broker refuses the client (TLS certificate, SASL)
 * @throws KafkaOperationError when the brokers cannot be reached
 */
export async function createAdmin(config: AdminConfig): Promise<Admin> {
  validateAdminConfig(config);
  const logger = config.logger ?? createConsoleLogger();
  const retry = {
    retries: config.retryMax ?? ADMIN_DEFAULTS.retryMax,
    initialRetryTime: config.retryBackoff ?? ADMIN_DEFAULTS.retryBackoff,
  };
  // kafkajs takes the connection retries from the client and the request retries from the admin.
  const admin = createKafkaClient(config, logger, { retry }).admin({ retry });
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
