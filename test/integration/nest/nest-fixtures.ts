import type { KafkaModuleOptions } from '../../../lib/nest/index.js';
import { sharedBrokers } from '../../support/env.js';

/** Module options for tests: the shared broker, quiet logs, short shutdown. */
export function testConnection(): Pick<KafkaModuleOptions, 'brokers' | 'logLevel' | 'kafkaJsLogLevel' | 'shutdownTimeout'> {
  return { brokers: sharedBrokers(), logLevel: 'warn', kafkaJsLogLevel: 'nothing', shutdownTimeout: 15_000 };
}

export { eventually } from '../../support/eventually.js';

export { committedOffsets } from '../../support/env.js';
