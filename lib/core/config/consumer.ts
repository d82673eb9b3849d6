import { ConfigChecker, optionNames } from './validate.js';
import { checkConsumerSchemaRegistry, type ConsumerSchemaRegistryOptions } from '../registry/registry-options.js';
import type { RebalanceListener } from '../consumer/rebalance-listeners.js';
import {
  TELEMETRY_OPTION_NAMES,
  checkTelemetryOptions,
  resolveTelemetryOptions,
  type ResolvedTelemetryOptions,
  type TelemetryOptions,
} from '../telemetry/telemetry-options.js';
import {
  checkHandlerTimeout,
  checkOnHandlerError,
  resolveFailurePolicy,
  type ResolvedFailurePolicy,
} from '../consumer/failure/failure-config.js';
import type { OnHandlerError } from '../consumer/failure/failure-policy.js';
import {
  CONNECTION_OPTION_NAMES,
  checkConnectionConfig,
  resolveConnectionConfig,
  type ConnectionConfig,
  type ResolvedConnectionConfig,
} from './connection.js';

/** Where a group with no committed offset starts reading a partition. */
export type ConsumerOffsetReset = 'oldest' | 'newest';

/**
 * Which records of transactional producers a consumer group reads. `'read_committed'`: only
 * records of committed transactions (and of non-transactional producers), each partition read up
 * to its first record of a transaction still open. `'read_uncommitted'`: every record written,
 * aborted ones included.
 */
export type ConsumerIsolation = 'read_committed' | 'read_uncommitted';

/** Every {@link ConsumerIsolation}, for validation. */
export const CONSUMER_ISOLATIONS: readonly ConsumerIsolation[] = ['read_committed', 'read_uncommitted'];

/**
 * Which records of a partition a single-message handler may run at the same time:
 * - `'partition'` (default, dp-kafka's): one record per partition at a time, in offset order;
 *   parallelism is min(numWorkers, assigned partitions).
 * - `'key'`: records with the same key run one after another in offset order, records with
 *   different keys in parallel, up to `maxConcurrency` (may exceed the partition count). Records
 *   without a key keep partition order among themselves.
 * - `'none'`: any record may run alongside any other, up to `maxConcurrency`.
 *
 * Commits stay at the highest contiguous finished offset + 1 per partition in every mode. `'key'`
 * and `'none'` work with `registerHandler` only (not the batch handler or `messages()`).
 */
export type ConsumerOrdering = 'partition' | 'key' | 'none';

/** Settings of a {@link KafkaConsumerGroup}. Only `brokers`, `topic` and `groupName` are required. */
export interface ConsumerGroupConfig extends ConnectionConfig, TelemetryOptions {
  /** Topic (or topics) to consume. */
  topic: string | string[];
  /** Consumer group id; members with the same name share the partitions. */
  groupName: string;
  /** Concurrent single-message handlers, worker ids 1..N. Default 1. */
  numWorkers?: number;
  /** Messages per batch-handler call. Default 1. */
  batchSize?: number;
  /** A partial batch is handled after this many ms without a new message. Default 200. */
  batchWaitTime?: number;
  /** Brokers that must be reachable for the group to count as healthy. Default 1. */
  minBrokersHealthy?: number;
  /** Group session timeout in ms (dp-kafka's MessageConsumeTimeout). Default 10000. */
  messageConsumeTimeout?: number;
  /**
   * How long fetching may fail, or an assigned partition with lag may make no progress, before
   * health is CRITICAL (failing) or WARNING (no progress), ms. Default three session timeouts
   * (`3 × messageConsumeTimeout`, 30 s): longer than kafkajs' own retries of a failing fetch
   * (about 10 s) and a rebalance. See docs/fetch-failures.md.
   */
  stallTimeout?: number;
  /** Start position when the group has no committed offset. Default `oldest`. */
  offset?: ConsumerOffsetReset;
  /**
   * Which records of transactional producers are read (see {@link ConsumerIsolation}). Default
   * `'read_committed'` (kafkajs' default; the Java client's is `read_uncommitted`): records of
   * aborted transactions are never handled, and records of open ones wait for their commit.
   */
  isolation?: ConsumerIsolation;
  /** Longest time the broker holds a fetch waiting for data, ms. Default 50. */
  fetchMaxWaitTime?: number;
  /** Finished offsets are committed together at most this often, ms. Default 1000. */
  commitInterval?: number;
  /** Which records may be handled at the same time (see {@link ConsumerOrdering}). Default `'partition'`. */
  ordering?: ConsumerOrdering;
  /**
   * With `ordering: 'key'` or `'none'`: most handler calls at once, worker ids 1..N (may exceed
   * the partition count). Default `numWorkers`. Not allowed with `ordering: 'partition'` (use `numWorkers`).
   */
  maxConcurrency?: number;
  /**
   * Called with the partitions this member got (possibly none), after each group join. Not
   * awaited before fetching starts. See README, "Pausing, seeking and rebalance listeners".
   */
  onPartitionsAssigned?: RebalanceListener;
  /**
   * Called with the partitions this member gives up (rebalance, stop, close), after the group
   * committed the work it finished on them; the member rejoins only once it settled (within the
   * rejoin limit, 20 s per call), so state flushed here is flushed before the next owner starts.
   */
  onPartitionsRevoked?: RebalanceListener;
  /**
   * What happens when a handler fails (README, "When a handler fails"): `'commit'` (default,
   * dp-kafka's behaviour: report and commit), `'deadLetter'`, `'stop'`, or a policy such as
   * `{ retry: { attempts: 3 }, then: 'deadLetter' }`. A handler registered with its own `onError`
   * overrides this.
   */
  onError?: OnHandlerError;
  /**
   * Time limit of one handler call, ms: a handler that has not settled by then fails with a
   * (retryable) `HandlerTimeoutError` and its late result is ignored. Default: none.
   */
  handlerTimeoutMs?: number;
  /**
   * Decode records through a schema registry (docs/schema-registry.md): each record's writer
   * schema is fetched by the id it carries (once per id) before the handler runs, and
   * `message.decode(schema)` reads it into the handler's schema. Default: none (plain Avro).
   */
  schemaRegistry?: ConsumerSchemaRegistryOptions;
}

/** A config with every default applied (connection settings included) and topics as a list. */
export interface ResolvedConsumerGroupConfig extends ResolvedConnectionConfig, ResolvedTelemetryOptions {
  readonly topics: readonly string[];
  readonly groupName: string;
  readonly numWorkers: number;
  readonly batchSize: number;
  readonly batchWaitTime: number;
  readonly minBrokersHealthy: number;
  readonly messageConsumeTimeout: number;
  /** Fetch failure / no-progress bound, ms (default 3 × `messageConsumeTimeout`). */
  readonly stallTimeout: number;
  readonly offset: ConsumerOffsetReset;
  readonly isolation: ConsumerIsolation;
  readonly fetchMaxWaitTime: number;
  readonly commitInterval: number;
  readonly ordering: ConsumerOrdering;
  /** Handler calls at once: `numWorkers` with `ordering: 'partition'`. */
  readonly maxConcurrency: number;
  /** Heartbeat period: a third of the session timeout, at most 3 s (kafkajs' default). */
  readonly heartbeatInterval: number;
  readonly onPartitionsAssigned: RebalanceListener | undefined;
  readonly onPartitionsRevoked: RebalanceListener | undefined;
  /** `onError` with its defaults applied. */
  readonly failurePolicy: ResolvedFailurePolicy;
  /** Time limit of one handler call, ms; `undefined` = none. */
  readonly handlerTimeoutMs: number | undefined;
  readonly schemaRegistry: ConsumerSchemaRegistryOptions | undefined;
}

/** Consumer defaults: dp-kafka's where it has one. */
export const CONSUMER_GROUP_DEFAULTS = {
  numWorkers: 1,
  batchSize: 1,
  batchWaitTime: 200,
  minBrokersHealthy: 1,
  messageConsumeTimeout: 10_000,
  offset: 'oldest' as ConsumerOffsetReset,
  isolation: 'read_committed' as ConsumerIsolation,
  fetchMaxWaitTime: 50,
  /** Like sarama's auto-commit interval, which dp-kafka relies on. */
  commitInterval: 1_000,
  ordering: 'partition' as ConsumerOrdering,
} as const;

/** The consumer-group-only option names (the connection ones are in {@link CONNECTION_OPTION_NAMES}). */
export const CONSUMER_GROUP_ONLY_OPTION_NAMES = optionNames<Omit<ConsumerGroupConfig, keyof ConnectionConfig>>({
  topic: true,
  groupName: true,
  numWorkers: true,
  batchSize: true,
  batchWaitTime: true,
  minBrokersHealthy: true,
  messageConsumeTimeout: true,
  stallTimeout: true,
  offset: true,
  isolation: true,
  fetchMaxWaitTime: true,
  commitInterval: true,
  ordering: true,
  maxConcurrency: true,
  ...TELEMETRY_OPTION_NAMES,
  onPartitionsAssigned: true,
  onPartitionsRevoked: true,
  onError: true,
  handlerTimeoutMs: true,
  schemaRegistry: true,
});

const CONSUMER_GROUP_OPTION_NAMES = [...CONNECTION_OPTION_NAMES, ...CONSUMER_GROUP_ONLY_OPTION_NAMES];

/** The default `stallTimeout` in session timeouts (`messageConsumeTimeout`). */
export const STALL_TIMEOUT_SESSIONS = 3;

/** Longest heartbeat period (kafkajs' and sarama's default). */
export const MAX_HEARTBEAT_INTERVAL = 3_000;

/**
 * Validates a consumer-group config and applies the defaults. The caller's object is not
 * changed. Throws one {@link KafkaConfigError} naming every bad field.
 */
export function resolveConsumerGroupConfig(config: ConsumerGroupConfig): ResolvedConsumerGroupConfig {
  const checker = new ConfigChecker();
  const c: Partial<ConsumerGroupConfig> = typeof config === 'object' && config !== null ? config : {};
  checker.knownKeys(c, CONSUMER_GROUP_OPTION_NAMES);
  checkConnectionConfig(checker, c);
  const topics = Array.isArray(c.topic) ? [...c.topic] : c.topic === undefined ? [] : [c.topic];
  if (checker.require(topics.length > 0, 'topic', 'is required (a topic name or a non-empty array of names)')) {
    topics.forEach((t, i) => checker.nonEmptyString(t, Array.isArray(c.topic) ? `topic[${i}]` : 'topic'));
  }
  checker.nonEmptyString(c.groupName, 'groupName');
  checker.positive(c.numWorkers, 'numWorkers', { integer: true });
  checker.positive(c.batchSize, 'batchSize', { integer: true });
  checker.positive(c.batchWaitTime, 'batchWaitTime');
  checker.positive(c.minBrokersHealthy, 'minBrokersHealthy', { integer: true });
  checker.positive(c.messageConsumeTimeout, 'messageConsumeTimeout');
  checker.positive(c.stallTimeout, 'stallTimeout');
  checker.positive(c.fetchMaxWaitTime, 'fetchMaxWaitTime');
  checker.positive(c.commitInterval, 'commitInterval');
  checker.oneOf(c.offset, ['oldest', 'newest'], 'offset');
  checker.oneOf(c.isolation, CONSUMER_ISOLATIONS, 'isolation');
  checker.oneOf(c.ordering, ['partition', 'key', 'none'], 'ordering');
  checker.positive(c.maxConcurrency, 'maxConcurrency', { integer: true });
  // (An unknown ordering is reported on its own.)
  checker.require(
    c.maxConcurrency === undefined || (c.ordering !== undefined && c.ordering !== 'partition'),
    'maxConcurrency',
    "applies only with ordering 'key' or 'none' (with ordering 'partition', set numWorkers)",
  );
  checkTelemetryOptions(checker, c);
  for (const field of ['onPartitionsAssigned', 'onPartitionsRevoked'] as const) {
    checker.require(c[field] === undefined || typeof c[field] === 'function', field, 'must be a function');
  }
  checkOnHandlerError(checker, c.onError);
  checkHandlerTimeout(checker, c.handlerTimeoutMs);
  checkConsumerSchemaRegistry(checker, c.schemaRegistry);
  if (Array.isArray(c.brokers) && typeof c.minBrokersHealthy === 'number') {
    checker.require(c.minBrokersHealthy <= c.brokers.length, 'minBrokersHealthy', 'must not exceed the number of brokers');
  }
  checker.throwIfAny('consumer group');

  const sessionTimeout = c.messageConsumeTimeout ?? CONSUMER_GROUP_DEFAULTS.messageConsumeTimeout;
  return Object.freeze({
    ...resolveConnectionConfig(c as ConsumerGroupConfig),
    topics: Object.freeze(topics.map((t) => t.trim())),
    groupName: (c.groupName ?? '').trim(),
    numWorkers: c.numWorkers ?? CONSUMER_GROUP_DEFAULTS.numWorkers,
    batchSize: c.batchSize ?? CONSUMER_GROUP_DEFAULTS.batchSize,
    batchWaitTime: c.batchWaitTime ?? CONSUMER_GROUP_DEFAULTS.batchWaitTime,
    minBrokersHealthy: c.minBrokersHealthy ?? CONSUMER_GROUP_DEFAULTS.minBrokersHealthy,
    messageConsumeTimeout: sessionTimeout,
    stallTimeout: c.stallTimeout ?? STALL_TIMEOUT_SESSIONS * sessionTimeout,
    offset: c.offset ?? CONSUMER_GROUP_DEFAULTS.offset,
    isolation: c.isolation ?? CONSUMER_GROUP_DEFAULTS.isolation,
    fetchMaxWaitTime: c.fetchMaxWaitTime ?? CONSUMER_GROUP_DEFAULTS.fetchMaxWaitTime,
    commitInterval: c.commitInterval ?? CONSUMER_GROUP_DEFAULTS.commitInterval,
    ordering: c.ordering ?? CONSUMER_GROUP_DEFAULTS.ordering,
    maxConcurrency: c.maxConcurrency ?? c.numWorkers ?? CONSUMER_GROUP_DEFAULTS.numWorkers,
    ...resolveTelemetryOptions(c),
    heartbeatInterval: Math.max(1, Math.min(MAX_HEARTBEAT_INTERVAL, Math.floor(sessionTimeout / 3))),
    onPartitionsAssigned: c.onPartitionsAssigned,
    onPartitionsRevoked: c.onPartitionsRevoked,
    failurePolicy: resolveFailurePolicy(c.onError),
    handlerTimeoutMs: c.handlerTimeoutMs,
    schemaRegistry: c.schemaRegistry,
  });
}

/**
 * Partition batches the transport hands over at once (kafkajs' `partitionsConsumedConcurrently`):
 * `numWorkers`, or `maxConcurrency` when records of a partition run in parallel (a batch then
 * returns once its records are buffered, so more partitions can feed the same workers).
 */
export function partitionConcurrency(config: ResolvedConsumerGroupConfig): number {
  return config.ordering === 'partition' ? config.numWorkers : config.maxConcurrency;
}
