import { Module } from '@nestjs/common';
import { KafkaModule } from '../lib/index.js';
import { AuditHandler } from './events/audit.handler.js';
import { EventsController } from './events/events.controller.js';
import { EventsHandler } from './events/events.handler.js';
import { EventsStore } from './events/events.store.js';
import { SampleConfigModule } from './sample-config.module.js';
import { HealthModule } from './health/health.module.js';
import { SampleConfig } from './sample.config.js';

/**
 * The sample service. Producer and group names are listed statically (they become injection
 * tokens); their settings come from the factory, which gets the config injected.
 */
@Module({
  imports: [
    KafkaModule.forRootAsync({
      isGlobal: true,
      imports: [SampleConfigModule],
      inject: [SampleConfig],
      producers: ['events', 'audit'],
      consumerGroups: ['events', 'audit'],
      useFactory: (config: SampleConfig) => ({
        ...config.kafka,
        clientId: 'nestjs-kafka-channels-sample',
        // With a schema registry (SCHEMA_REGISTRY_URL), the events travel through it; the audit
        // records are JSON, so their producer and group opt out.
        ...(config.schemaRegistryUrl && { schemaRegistry: { url: config.schemaRegistryUrl } }),
        producers: {
          events: { topic: config.eventsTopic, ...(config.schemaRegistryUrl && { schemaRegistry: { autoRegister: true } }) },
          audit: { topic: config.auditTopic, schemaRegistry: false },
        },
        consumerGroups: {
          events: { topic: config.eventsTopic, groupName: `${config.groupPrefix}-events`, numWorkers: 2 },
          audit: {
            topic: config.auditTopic,
            groupName: `${config.groupPrefix}-audit`,
            batchSize: 10,
            batchWaitTime: 500,
            schemaRegistry: false,
          },
        },
        shutdownTimeout: 10_000,
      }),
    }),
    HealthModule,
  ],
  controllers: [EventsController],
  providers: [EventsStore, EventsHandler, AuditHandler],
})
export class AppModule {}
