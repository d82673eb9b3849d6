/**
 * `nestjs-kafka-channels/microservices`: a `@nestjs/microservices` transport strategy and client
 * proxy on this module, wire-compatible with the built-in Kafka transport. A separate entry point
 * so that the root entry never loads `@nestjs/microservices`, an optional peer dependency.
 *
 * @packageDocumentation
 */
import './microservices-peers.js';

export { KafkaChannelsServer, NO_MESSAGE_HANDLER_REPLY } from './kafka-channels.server.js';
export { KafkaChannelsClient, DEFAULT_REPLY_GROUP } from './kafka-channels.client.js';
export { KafkaChannelsContext, KafkaContextAccessError } from './kafka-channels.context.js';
export type { KafkaChannelsRecord } from './kafka-channels.context.js';
export type { WireRecord } from './wire-record.js';
export { KafkaRecordSerializer } from './kafka-record.serializer.js';
export type { SerializedKafkaRecord } from './kafka-record.serializer.js';
export { KafkaRequestRecordDeserializer, KafkaReplyRecordDeserializer } from './kafka-record.deserializers.js';
export type { DeserializedRequest, DeserializedReply } from './kafka-record.deserializers.js';
export type {
  KafkaChannelsServerOptions,
  KafkaChannelsClientOptions,
  KafkaChannelsProducerOptions,
  KafkaChannelsParserOptions,
} from './kafka-channels.options.js';
export { REPLY_HEADERS, defaultReplyTopic } from '../../core/request-reply/reply-headers.js';
export {
  RequestTimeoutError,
  ReplyPartitionUnavailableError,
  RequestClientClosedError,
} from '../../core/request-reply/request-reply-errors.js';
