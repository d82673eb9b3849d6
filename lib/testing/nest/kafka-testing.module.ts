import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { KAFKA_CLIENT_FACTORY } from '../../nest/kafka-client.factory.js';
import { KafkaModule, type KafkaModuleAsyncOptions, type KafkaModuleSyncOptions } from '../../nest/kafka.module.js';
import { IN_MEMORY_BROKERS } from '../in-memory-config.js';
import { InMemoryKafka } from '../in-memory-kafka.js';

/** Options of {@link KafkaTestingModule.forRoot}: those of `KafkaModule.forRoot`, `brokers` optional. */
export type KafkaTestingModuleOptions = Omit<KafkaModuleSyncOptions, 'brokers'> & {
  /** Never dialled. Default `['in-memory:9092']`. */
  brokers?: string[];
  /** The in-memory Kafka the clients run on; pass one to reach it from the test. Default: a new one (injectable as `InMemoryKafka`). */
  kafka?: InMemoryKafka;
};

/** Options of {@link KafkaTestingModule.forRootAsync}: those of `KafkaModule.forRootAsync`, plus `kafka`. */
export type KafkaTestingModuleAsyncOptions = KafkaModuleAsyncOptions & {
  /** The in-memory Kafka the clients run on. Default: a new one (injectable as `InMemoryKafka`). */
  kafka?: InMemoryKafka;
};

/**
 * `KafkaModule` for tests: the same options, names, tokens, decorators, explorer and lifecycle,
 * with every producer an `InMemoryProducer` and every group an `InMemoryConsumerGroup` on one
 * {@link InMemoryKafka}. `@InjectProducer`, `@InjectConsumerGroup`, `@KafkaHandler` and
 * `@KafkaBatchHandler` work unchanged, through the same Nest pipeline (guards, interceptors, pipes,
 * exception filters, parameter decorators) as in the app. To test an app module that imports `KafkaModule` itself,
 * override its client factory instead: `.overrideProvider(KAFKA_CLIENT_FACTORY).useValue(new InMemoryKafka())`.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [KafkaTestingModule.forRoot({ producers: { orders: { topic: 'orders' } } })],
 *   providers: [OrdersService],
 * }).compile();
 * await moduleRef.init();
 * await moduleRef.get(OrdersService).placeOrder('o-1');
 * const sent = await getInMemoryProducer(moduleRef, 'orders').waitForJSONMessageSent<{ id: string }>();
 * ```
 */
@Module({})
export class KafkaTestingModule {
  /** Registers the module with options known at import time. */
  static forRoot(options: KafkaTestingModuleOptions): DynamicModule {
    const { kafka = new InMemoryKafka(), brokers = [...IN_MEMORY_BROKERS], ...moduleOptions } = options;
    return onInMemoryKafka(KafkaModule.forRoot({ ...moduleOptions, brokers }), kafka);
  }

  /** Registers the module with options from a factory, class or existing provider (their `brokers` are never dialled). */
  static forRootAsync(options: KafkaTestingModuleAsyncOptions): DynamicModule {
    const { kafka = new InMemoryKafka(), ...moduleOptions } = options;
    return onInMemoryKafka(KafkaModule.forRootAsync(moduleOptions), kafka);
  }
}

/** Swaps the module's client factory for `kafka` and makes `kafka` injectable. */
function onInMemoryKafka(base: DynamicModule, kafka: InMemoryKafka): DynamicModule {
  const providers: Provider[] = (base.providers ?? []).filter(
    (p) => !(typeof p === 'object' && 'provide' in p && p.provide === KAFKA_CLIENT_FACTORY),
  );
  return {
    ...base,
    providers: [...providers, { provide: KAFKA_CLIENT_FACTORY, useValue: kafka }, { provide: InMemoryKafka, useValue: kafka }],
    exports: [...(base.exports ?? []), InMemoryKafka],
  };
}
