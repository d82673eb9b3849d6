/**
 * Names from the OpenTelemetry semantic conventions for messaging and Kafka, version
 * {@link SEMCONV_VERSION} (status: Development), written out rather than imported so the library
 * needs nothing but `@opentelemetry/api`. Names the conventions do not define are under
 * `kafka_channels.`.
 */
export const SEMCONV_VERSION = '1.45.0';

/** Instrumentation scope of every tracer and meter this library creates. */
export const INSTRUMENTATION_SCOPE = 'nestjs-kafka-channels';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone';
export const ATTR_ERROR_TYPE = 'error.type';

/** `messaging.system` of every span and metric. */
export const MESSAGING_SYSTEM_KAFKA = 'kafka';

/** Counter: records the producer handed to the broker (acknowledged or not; failures carry `error.type`). */
export const METRIC_SENT_MESSAGES = 'messaging.client.sent.messages';
/** Counter: records handed to a message or batch handler. */
export const METRIC_CONSUMED_MESSAGES = 'messaging.client.consumed.messages';
/** Histogram, seconds: one `send*()` call from submission to acknowledgement. */
export const METRIC_OPERATION_DURATION = 'messaging.client.operation.duration';
/** Histogram, seconds: one handler call (a record, or a whole batch). */
export const METRIC_PROCESS_DURATION = 'messaging.process.duration';
/** Counter: every error a producer or consumer group emitted on its `errors` stream, by `error.type`. */
export const METRIC_ERRORS = 'kafka_channels.errors';
/** Observable gauge: consumer lag per partition (records), read through the group's health check. */
export const METRIC_CONSUMER_LAG = 'kafka_channels.consumer.lag';
/** Counter: times the member joined its group (the first join and each rebalance after it). */
export const METRIC_REBALANCES = 'kafka_channels.consumer.rebalances';
/** Observable gauge: 1 for the group's current state, 0 for the others (attribute `kafka_channels.consumer.group.state`). */
export const METRIC_GROUP_STATE = 'kafka_channels.consumer.group.state';
/** Attribute of {@link METRIC_GROUP_STATE}: the state name (dp-kafka's). */
export const ATTR_GROUP_STATE = 'kafka_channels.consumer.group.state';
