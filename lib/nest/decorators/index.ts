export * from './inject-consumer-group.decorator.js';
export * from './inject-producer.decorator.js';
export * from './kafka-batch-handler.decorator.js';
export * from './kafka-handler.decorator.js';
