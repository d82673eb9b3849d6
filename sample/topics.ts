import { Kafka, logLevel } from 'kafkajs';
import { toKafkaJsSecurity, type KafkaEnvConfig } from '../lib/index.js';

/**
 * Creates the sample's topics if they are missing, so it never depends on the broker's
 * auto-create setting. A real service would leave this to its platform's topic management.
 */
export async function ensureTopics(kafka: KafkaEnvConfig, topics: readonly string[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'nestjs-kafka-channels-sample-setup',
    brokers: kafka.brokers,
    logLevel: logLevel.NOTHING,
    ...toKafkaJsSecurity(kafka.security),
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
}
