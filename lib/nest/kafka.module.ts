import { Module, type ConfigurableModuleAsyncOptions, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { KAFKA_DECLARED_NAMES } from './kafka.constants.js';
import { KAFKA_CLIENT_FACTORY, kafkajsClientFactory, type KafkaClientFactory } from './kafka-client.factory.js';
import { KafkaExplorer } from './kafka.explorer.js';
import { KafkaLifecycle } from './kafka.lifecycle.js';
import { KafkaMetadataAccessor } from './kafka-metadata.accessor.js';
import { KAFKA_MODULE_OPTIONS, KafkaConfigurableModule, type KafkaModuleExtras } from './kafka.module-definition.js';
import type { KafkaDeclaredNames, KafkaModuleOptions } from './kafka-module.options.js';
import { KafkaClientRegistry } from './kafka.registry.js';
import { getConsumerGroupToken, getProducerToken, getSchemaRegistryToken } from './kafka.tokens.js';
import { KafkaHandlerStats } from './pipeline/kafka-handler-stats.js';

/** Options of {@link KafkaModule.forRoot}: the module options plus `isGlobal` (the builder's `OPTIONS_TYPE`, spelt out). */
export type KafkaModuleSyncOptions = KafkaModuleOptions & KafkaModuleExtras;

/**
 * Options of {@link KafkaModule.forRootAsync}: `imports`, `inject` and `useFactory` |
 * `useClass` | `useExisting` (method `createKafkaOptions`), `isGlobal`, and the producer and
 * consumer-group names, which must be known before the factory runs because they become
 * injection tokens. The factory must return exactly those names.
 */
export type KafkaModuleAsyncOptions = ConfigurableModuleAsyncOptions<KafkaModuleOptions, 'createKafkaOptions'> &
  KafkaModuleExtras & {
    /** Names of the producers the factory returns. Default: none. */
    producers?: readonly string[];
    /** Names of the consumer groups the factory returns. Default: none. */
    consumerGroups?: readonly string[];
  };

/**
 * Registers named core producers and consumer groups as Nest providers, binds decorated
 * handlers and drives the clients through the application lifecycle. Register it once (usually
 * with `isGlobal: true`): each registration builds its own clients.
 *
 * The module definition comes from Nest's `ConfigurableModuleBuilder` (kept internal: the
 * generated base class is not part of the public API); each method returns the builder's
 * dynamic module with this class as its `module`, exactly what `super.forRoot` gave.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     KafkaModule.forRoot({
 *       brokers: ['localhost:9092'],
 *       isGlobal: true,
 *       producers: { orders: { topic: 'orders' } },
 *       consumerGroups: { billing: { topic: 'orders', groupName: 'billing' } },
 *     }),
 *   ],
 *   providers: [OrderHandler], // `@KafkaHandler({ group: 'billing' })` methods; `@InjectProducer('orders')`
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class KafkaModule {
  /**
   * Registers the module with options known at import time. The config is checked when the
   * clients are built (one `KafkaConfigError` names every bad field); no broker is contacted
   * before the application starts, and an unreachable broker never fails the start-up.
   *
   * @example
   * ```ts
   * KafkaModule.forRoot({ brokers: ['localhost:9092'], isGlobal: true, producers: { orders: { topic: 'orders' } } })
   * ```
   */
  static forRoot(options: KafkaModuleSyncOptions): DynamicModule {
    const declared: KafkaDeclaredNames = {
      producers: Object.keys(options.producers ?? {}),
      consumerGroups: Object.keys(options.consumerGroups ?? {}),
    };
    return withClients({ ...KafkaConfigurableModule.forRoot(options), module: KafkaModule }, declared);
  }

  /** Registers the module with options produced by a factory, class or existing provider. */
  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    const { producers = [], consumerGroups = [], ...asyncOptions } = options;
    return withClients(
      { ...KafkaConfigurableModule.forRootAsync(asyncOptions), module: KafkaModule },
      { producers: [...producers], consumerGroups: [...consumerGroups] },
    );
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
    // Always provided (the option may come from an async factory): null when the module has no registry.
    {
      provide: getSchemaRegistryToken(),
      useFactory: (registry: KafkaClientRegistry) => registry.schemaRegistry(),
      inject: [KafkaClientRegistry],
    },
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
      KafkaHandlerStats,
      KafkaExplorer,
      KafkaLifecycle,
      ...clientProviders,
    ],
    exports: [...(base.exports ?? []), KafkaClientRegistry, KafkaHandlerStats, ...clientTokens],
  };
}
