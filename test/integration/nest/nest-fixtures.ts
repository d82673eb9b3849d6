import type { KafkaModuleOptions } from '../../../lib/nest/index.js';
import { rawKafka, sharedBrokers } from '../../support/env.js';

/** Module options for tests: the shared broker, quiet logs, short shutdown. */
export function testConnection(): Pick<KafkaModuleOptions, 'brokers' | 'logLevel' | 'kafkaJsLogLevel' | 'shutdownTimeout'> {
  return { brokers: sharedBrokers(), logLevel: 'warn', kafkaJsLogLevel: 'nothing', shutdownTimeout: 15_000 };
}

export { eventually } from '../../support/eventually.js';

/** The committed offset of each partition of `topic` for `groupId` (cross-check with raw kafkajs). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}
