import { Kafka, type KafkaConfig } from 'kafkajs';
import type { ResolvedConnectionConfig } from './config/connection.js';
import { registerKafkaJsCodecs } from './codecs/kafkajs-registration.js';
import { installKafkaJsTimerGuard } from './kafkajs-timer-guard.js';
import { kafkaJsLogCreator, toKafkaJsLogLevel, type KafkaLogger } from './logger.js';
import { toKafkaJsSecurity } from './security.js';
import { TransientErrorEpisodes } from './transient-kafkajs-errors.js';

/** The transient-error episodes of each client's log bridge, so its owner can end them. */
const clientEpisodes = new WeakMap<Kafka, TransientErrorEpisodes>();

/**
 * Ends the transient kafkajs error episodes of `client` (see transient-kafkajs-errors.ts): its
 * owner saw the cluster work again (the group joined, a fetch came back). The next occurrence
 * starts a new episode with its own grace period, so two short episodes are not read as one long one.
 */
export function settleTransientKafkaJsErrors(client: Kafka): void {
  clientEpisodes.get(client)?.settle();
}

/**
 * Creates the kafkajs client for a producer, consumer group or admin from resolved settings
 * (defaults already applied). Creating it never touches the network; kafkajs connects lazily.
 * Registers the snappy, lz4 and zstd codecs with kafkajs first (process-wide, only into slots
 * nobody else filled: see {@link registerKafkaJsCodecs}) and keeps kafkajs' idle request queues
 * from arming negative timers (Node 24's `TimeoutNegativeWarning`: {@link installKafkaJsTimerGuard}).
 *
 * @param overrides - client-wide kafkajs settings a caller needs beyond the connection config
 *   (e.g. the admin's `retry`, which kafkajs also applies to connecting)
 */
export function createKafkaClient(
  config: Omit<ResolvedConnectionConfig, 'logger' | 'minRetryPeriod' | 'maxRetryPeriod'>,
  logger: KafkaLogger,
  overrides: Pick<KafkaConfig, 'retry' | 'requestTimeout'> = {},
): Kafka {
  registerKafkaJsCodecs();
  installKafkaJsTimerGuard();
  const episodes = new TransientErrorEpisodes();
  const client = new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeout,
    logLevel: toKafkaJsLogLevel(config.kafkaJsLogLevel),
    logCreator: kafkaJsLogCreator(logger, episodes),
    ...toKafkaJsSecurity(config.security),
    ...overrides,
  });
  clientEpisodes.set(client, episodes);
  return client;
}
