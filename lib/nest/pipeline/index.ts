export { Payload, KafkaCtx, Message, Header, Headers, WorkerId } from './kafka-param.decorators.js';
export * from './kafka-context.js';
export { KafkaHandlerStats } from './kafka-handler-stats.js';
