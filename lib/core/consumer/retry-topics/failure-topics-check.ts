import type { Admin, Kafka } from 'kafkajs';
import { FailureTopicsMissingError } from '../../errors.js';
import type { KafkaLogger } from '../../logger.js';
import { deadLetterTopicName } from '../failure/failure-policy.js';
import { groupRetryTopics, type RetryTopicSource } from './retry-topic-names.js';

/** Every topic the group's policy sends failed records to or reads them from: retry topics, then dead-letter topics. */
export function failureTopicsOf(config: RetryTopicSource): string[] {
  const policy = config.failurePolicy;
  const deadLetters =
    policy?.then === 'deadLetter' ? config.topics.map((topic) => policy.deadLetterTopic ?? deadLetterTopicName(topic)) : [];
  return [...new Set([...groupRetryTopics(config), ...deadLetters])];
}

/** Origin of a missing failure topic: the group topic whose partition count and replication it copies. */
function sourceTopicOf(name: string, topics: readonly string[]): string | undefined {
  return topics.find((topic) => name.startsWith(`${topic}.`)) ?? topics[0];
}

/**
 * Checks that the retry and dead-letter topics of a group's policy exist before it subscribes.
 * Missing ones are created, with the partition count and replication factor of the topic they
 * belong to, only when the brokers allow automatic topic creation (`auto.create.topics.enable`):
 * where an operator turned that off, topics are theirs to create. Otherwise, or when creating
 * fails, throws {@link FailureTopicsMissingError} naming them (the group then retries with
 * back-off and reports it): a failed record is never sent where it cannot land.
 */
export async function ensureFailureTopics(
  client: Kafka,
  config: RetryTopicSource,
  logger: KafkaLogger,
  logData: Record<string, unknown>,
): Promise<void> {
  const wanted = failureTopicsOf(config);
  if (wanted.length === 0) return;
  const admin = client.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    if (!(await autoCreationAllowed(admin))) {
      throw new FailureTopicsMissingError(
        'topics of the failure policy are missing and the brokers do not allow automatic topic creation; create them',
        missing,
        logData,
      );
    }
    const sources = [...new Set(missing.map((name) => sourceTopicOf(name, config.topics)).filter((t): t is string => !!t))];
    const metadata = await admin.fetchTopicMetadata({ topics: sources });
    const shape = new Map(
      metadata.topics.map((t) => [t.name, { partitions: t.partitions.length, replicas: t.partitions[0]?.replicas.length ?? 1 }]),
    );
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => {
          const from = shape.get(sourceTopicOf(topic, config.topics) ?? '');
          return { topic, numPartitions: from?.partitions ?? -1, replicationFactor: from?.replicas ?? -1 };
        }),
      });
    } catch (error) {
      // Another member may be creating them at the same time: its topics show up in the metadata shortly.
      const still = await stillMissing(admin, missing);
      if (still.length > 0) throw new FailureTopicsMissingError('could not create the topics of the failure policy', still, logData, error);
    }
    logger.info('created the missing topics of the failure policy', { ...logData, created: missing });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Topics of `topics` the cluster's metadata still lacks after a few short waits. */
async function stillMissing(admin: Admin, topics: readonly string[]): Promise<string[]> {
  let still = [...topics];
  for (let attempt = 0; attempt < 5 && still.length > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    const now = new Set(await admin.listTopics());
    still = still.filter((topic) => !now.has(topic));
  }
  return still;
}

/** Whether the controller allows automatic topic creation; `false` when that cannot be read (no DescribeConfigs right). */
async function autoCreationAllowed(admin: Admin): Promise<boolean> {
  try {
    const cluster = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: 4 /* BROKER */,
          name: String(cluster.controller ?? cluster.brokers[0]?.nodeId ?? 0),
          configNames: ['auto.create.topics.enable'],
        },
      ],
    });
    const entry = resources[0]?.configEntries.find((e) => e.configName === 'auto.create.topics.enable');
    return entry?.configValue === 'true';
  } catch {
    return false;
  }
}
