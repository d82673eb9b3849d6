import type { KafkaLogger } from '../logger.js';

/**
 * What kafkajs 2.2.4 warns whenever an idempotent producer is built with a finite retry count
 * (`producer/index.js`). The replay builds one per call, with the admin's `retryMax`, on purpose:
 * it stops on a failed send instead of retrying forever, and it uses no transactions, so the
 * exactly-once caveat does not apply. Routed through our log bridge, the line gets this prefix.
 */
export const IDEMPOTENT_RETRY_WARNING = 'kafkajs: Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** `logger` without kafkajs' idempotent-retry warning (see {@link IDEMPOTENT_RETRY_WARNING}); every other line passes. */
export function withoutIdempotentRetryWarning(logger: KafkaLogger): KafkaLogger {
  return {
    debug: (message, data) => logger.debug(message, data),
    info: (message, data) => logger.info(message, data),
    warn: (message, data) => {
      if (message !== IDEMPOTENT_RETRY_WARNING) logger.warn(message, data);
    },
    error: (message, data) => logger.error(message, data),
  };
}
