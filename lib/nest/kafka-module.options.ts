import type { ConnectionConfig } from '../core/config/connection.js';
import type { ConsumerGroupConfig } from '../core/config/consumer.js';
import type { ProducerConfig } from '../core/config/producer.js';
import type { KafkaLogLevel } from '../core/logger.js';
import type { SchemaRegistryAuth } from '../core/registry/registry-http.js';
import type { ConsumerSchemaRegistryOptions } from '../core/registry/registry-options.js';
import type { AvroRegistrySerializerOptions } from '../core/registry/writer-schemas.js';
import type { SchemaRegistryTlsOptions } from '../core/registry/registry-tls.js';
import type { SchemaRegistry } from '../core/registry/schema-registry.js';
import type { TelemetryOptions } from '../core/telemetry/telemetry-options.js';
import type { KafkaGroupHealthSubscription } from './health/kafka-health-subscription.js';

/**
 * One named producer: the core producer config without the shared connection fields. With the
 * module's `schemaRegistry`, `send()` writes through it unless `schemaRegistry` is `false`; the
 * object form sets the serializer's choices (the registry itself is the module's).
 */
export type KafkaProducerOptions = Omit<ProducerConfig, keyof ConnectionConfig | 'schemaRegistry'> & {
  /** `false`: plain Avro even though the module has a registry. Default: the module's registry, with the serializer's defaults. */
  schemaRegistry?: false | KafkaProducerSchemaRegistryOptions;
};

/** A producer entry's registry choices: `AvroRegistrySerializerOptions` without the registry (the module's). */
export type KafkaProducerSchemaRegistryOptions = Omit<AvroRegistrySerializerOptions, 'registry'>;

/** A consumer-group entry's registry choices: `ConsumerSchemaRegistryOptions` without the registry (the module's). */
export type KafkaConsumerGroupSchemaRegistryOptions = Omit<ConsumerSchemaRegistryOptions, 'registry'>;

/**
 * One named consumer group: the core group config without the shared connection fields. With the
 * module's `schemaRegistry`, records are decoded through it unless `schemaRegistry` is `false`.
 */
export type KafkaConsumerGroupOptions = Omit<ConsumerGroupConfig, keyof ConnectionConfig | 'schemaRegistry'> & {
  /** `false`: plain records even though the module has a registry. Default: the module's registry, values only. */
  schemaRegistry?: false | KafkaConsumerGroupSchemaRegistryOptions;
  /**
   * Start consuming at application bootstrap. Default `true`. Set `false` when something else
   * decides when the group runs (your code calling `start()`, or a health subscription).
   */
  autoStart?: boolean;
  /**
   * Follow a health source: start when it is OK, stop on WARNING/CRITICAL (replaces `autoStart`).
   * Started at bootstrap, ended before the shutdown drain. See README, Health.
   */
  healthSubscription?: KafkaGroupHealthSubscription;
};

/**
 * Options of {@link KafkaModule}: the connection settings every client shares, plus the named
 * producers and consumer groups. Each producer is injectable with `@InjectProducer(name)`, each
 * group with `@InjectConsumerGroup(name)`, and each group needs exactly one handler.
 * `tracing` and `metrics` (OpenTelemetry, default on) apply to every producer and group; an
 * entry's own setting wins.
 */
export interface KafkaModuleOptions extends Omit<ConnectionConfig, 'logger'>, TelemetryOptions {
  /** Named producers. Default: none. */
  producers?: Record<string, KafkaProducerOptions>;
  /** Named consumer groups. Default: none. */
  consumerGroups?: Record<string, KafkaConsumerGroupOptions>;
  /**
   * Verbosity of the library's logs written to Nest's `Logger` (kafkajs' own logs are filtered
   * by `kafkaJsLogLevel` first). Default `info`. Ignored when `logger` is given.
   */
  logLevel?: KafkaLogLevel;
  /** Where library and kafkajs logs go. Default: Nest's `Logger`, context `Kafka:producer:<name>` / `Kafka:group:<name>`. */
  logger?: ConnectionConfig['logger'];
  /**
   * Bound of each shutdown phase, ms: draining the groups (`stopAndWait`), then closing groups
   * and producers. Default 30000.
   */
  shutdownTimeout?: number;
  /**
   * The schema registry of this module: how to reach a Confluent-compatible registry, or a
   * `SchemaRegistry` instance (e.g. the test kit's `InMemorySchemaRegistry`). The client is
   * injectable under `getSchemaRegistryToken()`. Every producer and consumer group of the module
   * uses it, except entries with `schemaRegistry: false`. Default: none.
   */
  schemaRegistry?: KafkaSchemaRegistryOptions | SchemaRegistry;
}

/** How {@link KafkaModule} reaches a Confluent-compatible schema registry (see `createSchemaRegistryClient`). */
export interface KafkaSchemaRegistryOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://localhost:8081` or Apicurio's `http://host:8080/apis/ccompat/v7`. */
  url: string;
  /** HTTP basic (`{ username, password }`) or bearer (`{ token }`) credentials. Default: none. */
  auth?: SchemaRegistryAuth;
  /** Time limit of one registry request, ms. Default 10000. */
  timeoutMs?: number;
  /** TLS settings of an `https` registry (CA, client certificate). Default: Node's. */
  tls?: SchemaRegistryTlsOptions;
}

/** Names declared statically, before any async options factory runs. */
export interface KafkaDeclaredNames {
  /** Producer names; each gets a provider under `getProducerToken(name)`. */
  readonly producers: readonly string[];
  /** Consumer-group names; each gets a provider under `getConsumerGroupToken(name)`. */
  readonly consumerGroups: readonly string[];
}
