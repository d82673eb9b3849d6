import { randomUUID } from 'node:crypto';
import {
  CONNECTION_OPTION_NAMES,
  checkConnectionConfig,
  resolveConnectionConfig,
  type ConnectionConfig,
  type ResolvedConnectionConfig,
} from './connection.js';
import { ConfigChecker, optionNames } from './validate.js';
import {
  TELEMETRY_OPTION_NAMES,
  checkTelemetryOptions,
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
  type TelemetryOptions,
} from '../telemetry/telemetry-options.js';
import { checkProducerSchemaRegistry } from '../registry/registry-options.js';
import type { AvroRegistrySerializerOptions } from '../registry/writer-schemas.js';

/** Acknowledgement a produce request waits for: none, the leader only, or every in-sync replica. */
export type ProducerAcks = 0 | 1 | 'all';

/**
 * Record batch compression, Kafka's codec names. Every codec is built in (docs/compression.md):
 * `'gzip'` is kafkajs' own, `'snappy'` (xerial framing, as Java writes it), `'lz4'` (LZ4 frame) and
 * `'zstd'` come with this library.
 */
export type ProducerCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Every {@link ProducerCompression}, for validation. */
export const PRODUCER_COMPRESSIONS: readonly ProducerCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Settings of a {@link KafkaProducer}. Only `brokers` and `topic` are required. */
export interface ProducerConfig extends ConnectionConfig, TelemetryOptions {
  /** Topic every record of this producer goes to. Required. */
  topic: string;
  /**
   * Largest record accepted, in bytes, measured as described in {@link estimateRecordSize}.
   * Bigger records fail with `MessageTooLargeError` before any network call. Default 1,000,000.
   */
  maxMessageBytes?: number;
  /** How many times kafkajs retries a failed produce request. Default 3 (dp-kafka). */
  retryMax?: number;
  /** First pause between produce retries, ms (kafkajs doubles it on each retry). Default 100. */
  retryBackoff?: number;
  /**
   * How long a batch keeps being sent again after failures that a broker restart or leader
   * fail-over explains (connection refused or closed, no leader, not the leader, request timed out),
   * ms, counted from its first request. Each attempt is kafkajs' request with its `retryMax`
   * retries; between attempts the pause starts at `retryBackoff` and doubles up to 1 s. Records
   * of a batch that still fails reject with `ProducerSendError`; other failures (authorization,
   * record too large) reject at once. Sending a batch again can write records twice when a failed
   * request had in fact been written (at least once). `0`: no attempts beyond kafkajs' own
   * retries, as dp-kafka. Default 30,000.
   */
  deliveryTimeoutMs?: number;
  /**
   * Brokers that must be reachable for the health check to report OK. Default 2 (dp-kafka), but
   * the default is lowered to the number of `brokers` given, so a single broker works. An
   * explicit value above the number of brokers is a config error.
   */
  minBrokersHealthy?: number;
  /** Acks to wait for: `1` (leader, the default as in dp-kafka), `0` (none) or `'all'` (acks -1). */
  acks?: ProducerAcks;
  /**
   * kafkajs idempotent producer (experimental in kafkajs). Requires `acks: 'all'`, which becomes
   * the default when this is true. Default false.
   */
  idempotent?: boolean;
  /**
   * Record batch compression: `'none'` (default), `'gzip'`, `'snappy'`, `'lz4'` or `'zstd'`.
   * Consumers of every Kafka client read all four; lz4 and zstd cost the least CPU per byte saved
   * (docs/compression.md).
   */
  compression?: ProducerCompression;
  /**
   * How long the first queued record waits for others to join its batch, ms. `0` (default) still
   * coalesces the sends of one event-loop turn, and records queued while a batch is in flight
   * always go together as the next batch; measured, a longer window only added latency (awaited
   * send loops ran 2-3x slower at 5 ms). A few ms can cut the request rate of a lightly loaded
   * producer.
   */
  lingerMs?: number;
  /**
   * Byte cap of one coalesced batch (same measure as `maxMessageBytes`); a batch reaching it is
   * sent at once. Keep it at or below the broker's `message.max.bytes`. Default 1,000,000.
   */
  maxBatchBytes?: number;
  /**
   * Record cap of one coalesced batch; a batch reaching it is sent at once. kafkajs groups a
   * batch's records per partition in time quadratic in their number, so very large batches cost
   * more CPU than they save. Default 1,000.
   */
  maxBatchRecords?: number;
  /**
   * How many coalesced batches may wait for their acks at once. `1` (default) keeps strict order
   * per partition, retries included. Higher values overlap requests but lose that order: measured,
   * kafkajs may write concurrent `sendBatch` calls out of order. Use them only when order does
   * not matter.
   */
  maxInFlightBatches?: number;
  /**
   * Most bytes of records (same measure as `maxMessageBytes`) queued or sent and not yet
   * acknowledged. A send that would pass it rejects at once with `ProducerQueueFullError`, so a
   * fire-and-forget sender that outruns the broker cannot exhaust memory; sends are accepted
   * again as acks arrive. Must be at least `maxMessageBytes`. Default 64 MiB
   * ({@link DEFAULT_MAX_QUEUED_BYTES}).
   */
  maxQueuedBytes?: number;
  /** How long the broker may take to acknowledge a produce request, ms. Default 10,000 (dp-kafka). */
  requestTimeout?: number;
  /** The producer-wide `request-id` header value. Default: a random UUID per producer. */
  requestId?: string;
  /**
   * Makes this a transactional producer (docs/exactly-once.md): records are sent only inside
   * `producer.transaction(async (tx) => ...)`, and become visible to `read_committed` consumers
   * when the transaction commits. A producer started later with the same id fences this one
   * (`ProducerFencedError`). Implies `idempotent: true`, `acks: 'all'` and one batch in flight.
   */
  transactionalId?: string;
  /**
   * How long a transaction may stay open, ms, from its start to its commit; the broker aborts a
   * transaction that stays open longer, and this producer refuses to commit one that took longer
   * (`TransactionTimeoutError`). At most the broker's `transaction.max.timeout.ms` (15 minutes by
   * default). Only with `transactionalId`. Default 60,000 (kafkajs').
   */
  transactionTimeoutMs?: number;
  /**
   * Write `send()` records in the schema registry's framing (docs/schema-registry.md): the registry,
   * the subject name strategy, auto-registration and the latest version's time limit. Default: none
   * (`send()` writes plain Avro, dp-kafka's format).
   */
  schemaRegistry?: AvroRegistrySerializerOptions;
}

/**
 * Default `maxQueuedBytes`: 64 MiB. Far above what awaited senders queue (1,000 concurrent
 * callers of 1 KiB records hold about 1 MiB), low enough that a runaway fire-and-forget loop
 * stops long before the host runs out of memory.
 */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** Defaults of the producer-specific settings (dp-kafka's where it has one). */
export const PRODUCER_DEFAULTS = {
  maxMessageBytes: 1_000_000,
  retryMax: 3,
  retryBackoff: 100,
  deliveryTimeoutMs: 30_000,
  minBrokersHealthy: 2,
  acks: 1 as ProducerAcks,
  idempotent: false,
  compression: 'none' as ProducerCompression,
  lingerMs: 0,
  maxBatchBytes: 1_000_000,
  maxBatchRecords: 1_000,
  maxInFlightBatches: 1,
  maxQueuedBytes: DEFAULT_MAX_QUEUED_BYTES,
  requestTimeout: 10_000,
  transactionTimeoutMs: 60_000,
} as const;

/**
 * A validated producer config with every default filled in. Each field is the
 * {@link ProducerConfig} field of the same name (see there), brokers trimmed, frozen.
 */
export interface ResolvedProducerConfig extends ResolvedConnectionConfig, ResolvedTelemetryOptions {
  readonly topic: string;
  readonly maxMessageBytes: number;
  readonly retryMax: number;
  readonly retryBackoff: number;
  readonly deliveryTimeoutMs: number;
  /** Effective value: the configured one, or the default lowered to the number of brokers. */
  readonly minBrokersHealthy: number;
  readonly acks: ProducerAcks;
  readonly idempotent: boolean;
  readonly compression: ProducerCompression;
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
  readonly maxBatchRecords: number;
  readonly maxInFlightBatches: number;
  readonly maxQueuedBytes: number;
  readonly requestTimeout: number;
  readonly requestId: string;
  /** Set for a transactional producer only. */
  readonly transactionalId: string | undefined;
  readonly transactionTimeoutMs: number;
  readonly schemaRegistry: AvroRegistrySerializerOptions | undefined;
}

/** The producer-only option names (the connection ones are in {@link CONNECTION_OPTION_NAMES}). */
export const PRODUCER_ONLY_OPTION_NAMES = optionNames<Omit<ProducerConfig, keyof ConnectionConfig>>({
  topic: true,
  maxMessageBytes: true,
  retryMax: true,
  retryBackoff: true,
  deliveryTimeoutMs: true,
  minBrokersHealthy: true,
  acks: true,
  idempotent: true,
  compression: true,
  lingerMs: true,
  maxBatchBytes: true,
  maxBatchRecords: true,
  maxInFlightBatches: true,
  maxQueuedBytes: true,
  requestTimeout: true,
  requestId: true,
  transactionalId: true,
  transactionTimeoutMs: true,
  schemaRegistry: true,
  ...TELEMETRY_OPTION_NAMES,
});

const PRODUCER_OPTION_NAMES = [...CONNECTION_OPTION_NAMES, ...PRODUCER_ONLY_OPTION_NAMES];

// Kafka's own rule for topic names.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Validates a producer config and fills in defaults. The caller's object is not modified.
 *
 * @throws KafkaConfigError naming every invalid field
 */
export function resolveProducerConfig(config: ProducerConfig): ResolvedProducerConfig {
  const checker = new ConfigChecker();
  if (typeof config !== 'object' || config === null) {
    checker.require(false, 'config', 'must be an object');
    checker.throwIfAny('producer');
  }
  checker.knownKeys(config, PRODUCER_OPTION_NAMES);
  checkConnectionConfig(checker, config);
  checkProducerFields(checker, config);
  checkTelemetryOptions(checker, config);
  checker.throwIfAny('producer');

  const connection = resolveConnectionConfig(config);
  const transactional = config.transactionalId !== undefined;
  // Transactions are built on the idempotent producer (kafkajs requires it too).
  const idempotent = transactional || (config.idempotent ?? PRODUCER_DEFAULTS.idempotent);
  return Object.freeze({
    ...connection,
    topic: config.topic,
    maxMessageBytes: config.maxMessageBytes ?? PRODUCER_DEFAULTS.maxMessageBytes,
    retryMax: config.retryMax ?? PRODUCER_DEFAULTS.retryMax,
    retryBackoff: config.retryBackoff ?? PRODUCER_DEFAULTS.retryBackoff,
    deliveryTimeoutMs: config.deliveryTimeoutMs ?? PRODUCER_DEFAULTS.deliveryTimeoutMs,
    minBrokersHealthy: config.minBrokersHealthy ?? Math.min(PRODUCER_DEFAULTS.minBrokersHealthy, connection.brokers.length),
    acks: config.acks ?? (idempotent ? 'all' : PRODUCER_DEFAULTS.acks),
    idempotent,
    compression: config.compression ?? PRODUCER_DEFAULTS.compression,
    lingerMs: config.lingerMs ?? PRODUCER_DEFAULTS.lingerMs,
    maxBatchBytes: config.maxBatchBytes ?? PRODUCER_DEFAULTS.maxBatchBytes,
    maxBatchRecords: config.maxBatchRecords ?? PRODUCER_DEFAULTS.maxBatchRecords,
    maxInFlightBatches: config.maxInFlightBatches ?? PRODUCER_DEFAULTS.maxInFlightBatches,
    maxQueuedBytes: config.maxQueuedBytes ?? PRODUCER_DEFAULTS.maxQueuedBytes,
    requestTimeout: config.requestTimeout ?? PRODUCER_DEFAULTS.requestTimeout,
    requestId: config.requestId ?? randomUUID(),
    transactionalId: config.transactionalId,
    transactionTimeoutMs: config.transactionTimeoutMs ?? PRODUCER_DEFAULTS.transactionTimeoutMs,
    schemaRegistry: config.schemaRegistry,
    ...resolveTelemetryOptions(config),
  });
}

function checkProducerFields(checker: ConfigChecker, config: Partial<ProducerConfig>): void {
  if (config.topic === undefined || typeof config.topic !== 'string' || config.topic.length === 0) {
    checker.require(false, 'topic', 'is required (non-empty string)');
  } else {
    checker.require(TOPIC_NAME.test(config.topic), 'topic', 'must be 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"');
  }
  checker.positive(config.maxMessageBytes, 'maxMessageBytes', { integer: true });
  checker.positive(config.retryMax, 'retryMax', { integer: true, allowZero: true });
  checker.positive(config.retryBackoff, 'retryBackoff');
  checker.positive(config.deliveryTimeoutMs, 'deliveryTimeoutMs', { allowZero: true });
  checker.positive(config.lingerMs, 'lingerMs', { allowZero: true });
  checker.positive(config.maxBatchBytes, 'maxBatchBytes', { integer: true });
  checker.positive(config.maxBatchRecords, 'maxBatchRecords', { integer: true });
  checker.positive(config.maxInFlightBatches, 'maxInFlightBatches', { integer: true });
  checker.positive(config.requestTimeout, 'requestTimeout');
  checkMaxQueuedBytes(checker, config);
  checker.positive(config.minBrokersHealthy, 'minBrokersHealthy', { integer: true });
  if (typeof config.minBrokersHealthy === 'number' && Array.isArray(config.brokers) && config.brokers.length > 0) {
    checker.require(
      config.minBrokersHealthy <= config.brokers.length,
      'minBrokersHealthy',
      `must be smaller than or equal to the number of brokers (${config.brokers.length})`,
    );
  }
  checker.oneOf(config.acks, [0, 1, 'all'], 'acks');
  checker.oneOf(config.compression, PRODUCER_COMPRESSIONS, 'compression');
  if (config.idempotent !== undefined) {
    checker.require(typeof config.idempotent === 'boolean', 'idempotent', 'must be a boolean');
  }
  if (config.idempotent === true) {
    checker.require(config.acks === undefined || config.acks === 'all', 'acks', "must be 'all' when idempotent is true");
    checker.require(config.retryMax !== 0, 'retryMax', 'must be > 0 when idempotent is true');
  }
  if (config.requestId !== undefined) checker.nonEmptyString(config.requestId, 'requestId');
  checkProducerSchemaRegistry(checker, config.schemaRegistry);
  checkTransactionFields(checker, config);
}

/**
 * `transactionalId` and what it implies: the idempotent producer with acks from every in-sync
 * replica and one batch in flight (a transaction's records keep their order and sequence).
 */
function checkTransactionFields(checker: ConfigChecker, config: Partial<ProducerConfig>): void {
  if (config.transactionalId === undefined) {
    checker.require(config.transactionTimeoutMs === undefined, 'transactionTimeoutMs', 'is only valid with transactionalId');
    return;
  }
  checker.nonEmptyString(config.transactionalId, 'transactionalId');
  checker.positive(config.transactionTimeoutMs, 'transactionTimeoutMs', { integer: true });
  const needs = 'when transactionalId is set';
  checker.require(config.idempotent !== false, 'idempotent', `must not be false ${needs}`);
  checker.require(config.acks === undefined || config.acks === 'all', 'acks', `must be 'all' ${needs}`);
  checker.require(config.maxInFlightBatches === undefined || config.maxInFlightBatches === 1, 'maxInFlightBatches', `must be 1 ${needs}`);
  checker.require(config.retryMax !== 0, 'retryMax', `must be > 0 ${needs}`);
  // tx.send() writes plain Avro; registry framing inside transactions is not built yet.
  checker.require(
    config.schemaRegistry === undefined,
    'schemaRegistry',
    `is not supported ${needs} yet (in KafkaModule, set schemaRegistry: false on this producer)`,
  );
}

/** `maxQueuedBytes`: a positive integer that leaves room for at least one record of the largest size. */
function checkMaxQueuedBytes(checker: ConfigChecker, config: Partial<ProducerConfig>): void {
  const { maxQueuedBytes } = config;
  if (maxQueuedBytes === undefined) return;
  checker.positive(maxQueuedBytes, 'maxQueuedBytes', { integer: true });
  const maxMessageBytes = config.maxMessageBytes ?? PRODUCER_DEFAULTS.maxMessageBytes;
  if (Number.isInteger(maxQueuedBytes) && maxQueuedBytes > 0 && Number.isInteger(maxMessageBytes) && maxMessageBytes > 0) {
    // Otherwise a record that passes maxMessageBytes could never be queued, even alone.
    checker.require(
      maxQueuedBytes >= maxMessageBytes,
      'maxQueuedBytes',
      `must be at least maxMessageBytes (${maxMessageBytes}) so that a record of the largest size fits`,
    );
  }
}
