/**
 * `nestjs-kafka-channels/core`: the framework-free API (kafkajs, avsc and Node only). It loads
 * no `@nestjs/*` package, so plain Node services, workers and scripts can use it.
 *
 * Every name here is a promise to users: the list is explicit (no `export *`) and checked
 * against `api/core.api.md` by `npm run api:check`. Internals (pipeline, offset tracking, worker
 * pool, commit scheduling, record sizing, …) stay importable only by relative path, for our tests.
 *
 * @packageDocumentation
 */

// Errors: every failure the library reports is one of these.
export {
  KafkaError,
  KafkaConfigError,
  ProducerNotInitialisedError,
  ProducerClosedError,
  MessageTooLargeError,
  ProducerQueueFullError,
  AvroCodecError,
  InvalidMessageError,
  ProducerSendError,
  PartitionNotAcknowledgedError,
  ConsumerStateError,
  HandlerRegistrationError,
  MessageHandlerError,
  NonRetryableError,
  HandlerTimeoutError,
  FailureForwardError,
  KafkaOperationError,
  KafkaAuthorizationError,
  KafkaTimeoutError,
  MessageDecodeError,
  AclCreationError,
  UnexpectedMessageError,
  NotInMemoryClientError,
  FailureTopicsMissingError,
  UnknownTopicError,
  InvalidPartitionError,
  InvalidSeekError,
  PartitionNotAssignedError,
  CompressedDataError,
  CompressionCodecUnavailableError,
  RegistryFramingError,
  SchemaRegistryUnavailableError,
  SchemaRegistrationError,
  SchemaRegistryRequestError,
  TransactionRequiredError,
  NoHandlerTransactionError,
  NotTransactionalError,
  ProducerFencedError,
  TransactionTimeoutError,
  TransactionCommitError,
  TransactionAbortError,
  SchemaRegistryTlsError,
  UnsupportedSchemaTypeError,
} from './errors.js';
export type { LogData, ConfigProblem } from './errors.js';

// Logging and error streams.
export { createConsoleLogger, silentLogger } from './logger.js';
export type { KafkaLogger, KafkaLogLevel } from './logger.js';
export type { ErrorStream, ErrorListener } from './error-stream.js';
export type { ErrorIterationOptions } from './error-iterator.js';
export { getRetryTime } from './retry.js';

// Connection, environment and security.
export type { ConnectionConfig } from './config/connection.js';
export { kafkaConfigFromEnv, KAFKA_ENV } from './config/env.js';
export type { KafkaEnvConfig, KafkaEnvDefaults } from './config/env.js';
export { SASL_MECHANISMS, getSecurityConfig, describeSecurity, toKafkaJsSecurity } from './security.js';
export type { SecurityConfig, SaslConfig, SaslMechanism, KafkaJsSecurity } from './security.js';

// Messages, request ids and Avro.
export { KafkaMessage } from './message.js';
export type { KafkaMessageInit, RawHeaderValue } from './message.js';
export { REQUEST_ID_HEADER, currentRequestId, runWithRequestId } from './request-context.js';
export { encodeAvro, decodeAvro } from './avro.js';
export type { AvroSchema } from './avro.js';
export type {
  AvroValue,
  AvroPrimitiveValue,
  AvroSchemaDefinition,
  AvroPrimitiveName,
  AvroPrimitiveDefinition,
  AvroRecordDefinition,
  AvroFieldDefinition,
  AvroEnumDefinition,
  AvroArrayDefinition,
  AvroMapDefinition,
  AvroFixedDefinition,
} from './avro-schema.js';

// Schema registry: the Confluent wire format, subjects, the client, Avro serdes (producer and group options below).
export { REGISTRY_MAGIC_BYTE, encodeRegistryFrame, decodeRegistryFrame } from './registry/wire-format.js';
export type { RegistryFrame } from './registry/wire-format.js';
export { topicNameStrategy, recordNameStrategy, topicRecordNameStrategy } from './registry/subject-name-strategy.js';
export type { SchemaRole, SubjectNameContext, SubjectNameStrategy } from './registry/subject-name-strategy.js';
export type { SchemaRegistry, SchemaRegistryClient, RegisteredSchema } from './registry/schema-registry.js';
export { createSchemaRegistryClient } from './registry/registry-cache.js';
export type { SchemaRegistryClientOptions, SchemaRegistryAuth } from './registry/registry-http.js';
export type { SchemaRegistryTlsOptions } from './registry/registry-tls.js';
export { AvroRegistrySerializer } from './registry/avro-registry-serializer.js';
export type { AvroRegistrySerializerOptions, AvroRegistrySerializeOptions } from './registry/avro-registry-serializer.js';
export { AvroRegistryDeserializer } from './registry/avro-registry-deserializer.js';
export type { ConsumerSchemaRegistryOptions } from './registry/registry-options.js';
export { DEFAULT_LATEST_VERSION_TTL_MS } from './registry/writer-schemas.js';

// Producer.
export { KafkaProducer } from './producer/kafka-producer.js';
export { DEFAULT_MAX_QUEUED_BYTES } from './config/producer.js';
export type { ProducerConfig, ProducerAcks, ProducerCompression } from './config/producer.js';
export type { SendOptions, AvroSendOptions } from './producer/record.js';
export type { ProducerTransaction, TransactionOffsets, TransactionTopicOffsets } from './producer/producer-transaction.js';
export type { ProducerCloseOptions } from './producer/close-sequence.js';
export type { ProducerOutputStream, OutputRecord, OutputRecordObject, OutputStreamOptions } from './producer/output-stream.js';

// Consumer group.
export { KafkaConsumerGroup, ConsumerState, consumerStateName, DoNotCommitError, shouldCommit } from './consumer/index.js';
export type { StateListener, CommitDecision, MessageHandler, BatchHandler } from './consumer/index.js';
export type { ConsumerCloseOptions } from './consumer/close-sequence.js';
export {
  DEFAULT_TRANSACTION_MAX_RECORDS,
  DEFAULT_TRANSACTION_MAX_MS,
  DEFAULT_TRANSACTIONAL_ID_PREFIX,
} from './consumer/transactional/transactional-options.js';
export type { TransactionalHandler, TransactionalHandlerOptions } from './consumer/transactional/transactional-options.js';
export type { TransactionalOutputConfig } from './consumer/transactional/partition-output.js';
export { currentTransaction } from './consumer/transactional/transaction-context.js';
export type { ConsumerGroupConfig, ConsumerOffsetReset, ConsumerOrdering, ConsumerIsolation } from './config/consumer.js';

// Observability (OpenTelemetry; `@opentelemetry/api` is an optional peer dependency).
export type { TelemetryOptions } from './telemetry/telemetry-options.js';
export type { TopicPartitions } from './consumer/pause-set.js';
export type { AssignedPartitions, SeekRequest, SeekPosition } from './consumer/partition-request.js';
export type { RebalanceListener } from './consumer/rebalance-listeners.js';
export type { GroupLag } from './health/consumer-lag.js';

// When a handler fails: policies, retry and dead-letter topics, their headers, counters.
export { retryTopicName, deadLetterTopicName, RETRY_BACKOFF_DEFAULTS } from './consumer/failure/failure-policy.js';
export type { FailureAction, FailurePolicy, OnHandlerError, RetryBackoff, BatchFailureMode } from './consumer/failure/failure-policy.js';
export type { HandlerOptions } from './consumer/failure/failure-config.js';
export type { FailureStats } from './consumer/failure/failure-stats.js';
export { FAILURE_HEADERS, readFailureHeaders } from './consumer/failure/failure-headers.js';
export type { FailureHeaderInfo } from './consumer/failure/failure-headers.js';
export { originalTopicOf } from './consumer/failure/retry-topics.js';

// Retry topics and dead-letter replay (README, "When a handler fails").
export { isRetryRecord, consumedTopicsOf, retryTopicsOf } from './consumer/retry-topics/retry-topic-names.js';
export { replayDeadLetters } from './admin/replay-dead-letters.js';
export type { ReplayDeadLettersOptions, ReplayResult } from './admin/replay-dead-letters.js';

// Health.
export { createHealthChecker } from './health/create-health-checker.js';
export type { HealthChecker } from './health/create-health-checker.js';
export type { HealthCheckOptions, HealthCheckerTarget } from './health/health-checker.js';
export type { HealthConnection } from './health/health-types.js';
export { subscribeToHealth } from './health/subscription.js';
export type {
  HealthSubscriptionOptions,
  HealthUnsubscribe,
  HealthSource,
  HealthSubscriber,
  HealthCheckable,
  HealthReportSource,
} from './health/subscription.js';
export type {
  HealthStatus,
  HealthReport,
  HealthSubject,
  BrokerHealth,
  ConsumerGroupHealth,
  PartitionLag,
  FetchFailureHealth,
  FetchStallSnapshot,
  StalledPartitionHealth,
} from './health/health-types.js';
export type { PartialHealthStatus } from './health/status-rules.js';
export { createSchemaRegistryHealthChecker } from './health/schema-registry-health.js';
export type {
  ReachableSchemaRegistry,
  SchemaRegistryHealthChecker,
  SchemaRegistryHealthOptions,
  SchemaRegistryHealthReport,
} from './health/schema-registry-health.js';

// Admin client and ACLs.
export { createAdmin, getPrincipal, getTopicAcls, applyAcls, applyTopicAuthList, ACL_OPERATIONS } from './admin/index.js';
export type { AdminConfig, TopicAuth, TopicAuthList, TopicAcl, AclOperation, AclAdmin } from './admin/index.js';

// Request-reply (the headers of @nestjs/microservices; KafkaChannelsClient/Server build on the same core).
export { KafkaRequester } from './request-reply/kafka-requester.js';
export type { KafkaRequesterConfig, KafkaRequest, KafkaRequestOptions } from './request-reply/kafka-requester.js';
export {
  RequestTimeoutError,
  ReplyPartitionUnavailableError,
  RequestClientClosedError,
  RemoteHandlerError,
} from './request-reply/request-reply-errors.js';
export { REPLY_HEADERS, defaultReplyTopic } from './request-reply/reply-headers.js';
