import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { KafkaModuleOptions } from './kafka-module.options.js';

/** Extras of `forRoot` / `forRootAsync` that shape the module itself, not the clients. */
export interface KafkaModuleExtras {
  /** Register the module globally so every module can inject producers and groups. Default `false`. */
  isGlobal?: boolean;
}

/** The generated module base class, its options token and option types (`KAFKA_MODULE_OPTIONS`). */
export const {
  ConfigurableModuleClass: KafkaConfigurableModule,
  MODULE_OPTIONS_TOKEN: KAFKA_MODULE_OPTIONS,
  OPTIONS_TYPE: KAFKA_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: KAFKA_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<KafkaModuleOptions>({ moduleName: 'Kafka' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createKafkaOptions')
  .setExtras<KafkaModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
