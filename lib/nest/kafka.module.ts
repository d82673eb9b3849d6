import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { KAFKA_DECLARED_NAMES } from './kafka.constants.js';
import { KAFKA_CLIENT_FACTORY, kafkajsClientFactory, type KafkaClientFactory } from './kafka-client.factory.js';
import { KafkaExplorer } from './kafka.explorer.js';
import { KafkaLifecycle } from './kafka.lifecycle.js';
import { KafkaMetadataAccessor } from './kafka-metadata.accessor.js';
import { KAFKA_ASYNC_OPTIONS_TYPE, KAFKA_MODULE_OPTIONS, KAFKA_OPTIONS_TYPE, KafkaConfigurableModule } from './kafka.module-definition.js';
import type { KafkaDeclaredNames, KafkaModuleOptions } from './kafka-module.options.js';
import { KafkaClientRegistry } from './kafka.registry.js';
import { getConsumerGroupToken, getProducerToken } from './kafka.tokens.js';

/** Options of {@link KafkaModule.forRoot}: the module options plus `isGlobal`. */
export type KafkaModuleSyncOptions = typeof KAFKA_OPTIONS_TYPE;

/**
 * Options of {@link KafkaModule.forRootAsync}: `imports`, `inject` and `useFactory` |
 * `useClass` | `useExisting` (method `createKafkaOptions`), `isGlobal`, and the producer and
 * consumer-group names, which must be known before the factory runs because they become
 * injection tokens. The factory must return exactly those names.
 */
export type KafkaModuleAsyncOptions = Omit<typeof KAFKA_ASYNC_OPTIONS_TYPE, 'producers' | 'consumerGroups'> & {
  /** Names of the producers the factory returns. Default: none. */
  producers?: readonly string[];
  /** Names of the consumer groups the factory returns. Default: none. */
  consumerGroups?: readonly string[];
};

/**
 * Registers named core producers and consumer groups as Nest providers, binds decorated
 * handlers and drives the clients through the application lifecycle. Register it once (usually
 * with `isGlobal: true`): each registration builds its own clients.
 */
@Module({})
export class KafkaModule extends KafkaConfigurableModule {
  /** Registers the module with options known at import time. */
  static forRoot(options: KafkaModuleSyncOptions): DynamicModule {
    const declared: KafkaDeclaredNames = {
      producers: Object.keys(options.producers ?? {}),
      consumerGroups: Object.keys(options.consumerGroups ?? {}),
    };
    return withClients(super.forRoot(options), declared);
  }

  /** Registers the module with options produced by a factory, class or existing provider. */
  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    const { producers = [], consumerGroups = [], ...asyncOptions } = options;
    return withClients(super.forRootAsync(asyncOptions), { producers: [...producers], consumerGroups: [...consumerGroups] });
  }
}

function withClients(base: DynamicModule, declared: KafkaDeclaredNames): DynamicModule {
  const clientProviders: Provider[] = [
    ...declared.producers.map((name) => ({
      provide: getProducerToken(name),
      useFactory: (registry: KafkaClientRegistry) => registry.producer(name),
      inject: [KafkaClientRegistry],
    })),
    ...declared.consumerGroups.map((name) => ({
      provide: getConsumerGroupToken(name),
      useFactory: (registry: KafkaClientRegistry) => registry.group(name),
      inject: [KafkaClientRegistry],
    })),
  ];
  const clientTokens = clientProviders.map((p) => (p as { provide: string }).provide);
  return {
    ...base,
    imports: [...(base.imports ?? []), DiscoveryModule],
    providers: [
      ...(base.providers ?? []),
      { provide: KAFKA_DECLARED_NAMES, useValue: declared },
      { provide: KAFKA_CLIENT_FACTORY, useValue: kafkajsClientFactory },
      {
        provide: KafkaClientRegistry,
        useFactory: (options: KafkaModuleOptions, names: KafkaDeclaredNames, factory: KafkaClientFactory) =>
          KafkaClientRegistry.create(options, names, factory),
        inject: [KAFKA_MODULE_OPTIONS, KAFKA_DECLARED_NAMES, KAFKA_CLIENT_FACTORY],
      },
      KafkaMetadataAccessor,
      KafkaExplorer,
      KafkaLifecycle,
      ...clientProviders,
    ],
    exports: [...(base.exports ?? []), KafkaClientRegistry, ...clientTokens],
  };
}
