/** Name used when a producer, consumer group or token is asked for without one. */
export const DEFAULT_KAFKA_NAME = 'default';

/** How long each shutdown phase (drain, then close) may take before it is abandoned, ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 30_000;

/** Verbosity of the library's own logs routed to Nest's Logger when none is configured. */
export const DEFAULT_NEST_LOG_LEVEL = 'info';

/** Reflect-metadata key set by {@link KafkaHandler}. */
export const KAFKA_HANDLER_METADATA = 'nestjs-kafka-channels:handler';

/** Reflect-metadata key set by {@link KafkaBatchHandler}. */
export const KAFKA_BATCH_HANDLER_METADATA = 'nestjs-kafka-channels:batch-handler';

/** Injection token of the names declared statically (before any async factory runs). */
export const KAFKA_DECLARED_NAMES = 'nestjs-kafka-channels:declared-names';
