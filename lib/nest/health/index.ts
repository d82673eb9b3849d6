/**
 * Health for the Nest layer, a separate entry point (`nestjs-kafka-channels/health`) so that the
 * main entry never loads `@nestjs/terminus`, an optional peer dependency.
 */
export * from './kafka.health-indicator.js';
export * from './kafka-health.module.js';
export * from './kafka-health.summary.js';
