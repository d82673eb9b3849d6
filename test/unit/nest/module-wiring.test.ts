import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import {
  InjectConsumerGroup,
  InjectProducer,
  KafkaClientRegistry,
  KafkaHandler,
  KafkaModule,
  getConsumerGroupToken,
  type KafkaModuleOptions,
} from '../../../lib/nest/index.js';

// No broker: construction never touches the network and port 9 refuses connections.
const quiet: KafkaModuleOptions = { brokers: ['127.0.0.1:9'], logLevel: 'nothing', kafkaJsLogLevel: 'nothing', shutdownTimeout: 2_000 };

class KafkaOptionsFactory {
  createKafkaOptions(): KafkaModuleOptions {
    return {
      ...quiet,
      producers: { events: { topic: 'events' } },
      consumerGroups: { manual: { topic: 'events', groupName: 'manual', autoStart: false } },
    };
  }
}

@Injectable()
class ManualHandler {
  @KafkaHandler({ group: 'manual' })
  async handle(): Promise<void> {}
}

/** A feature module that does not import KafkaModule: it relies on isGlobal. */
@Injectable()
class FeatureService {
  constructor(
    @InjectProducer('events') readonly producer: KafkaProducer,
    @InjectConsumerGroup('manual') readonly group: KafkaConsumerGroup,
  ) {}
}

@Module({ providers: [FeatureService], exports: [FeatureService] })
class FeatureModule {}

describe('KafkaModule wiring', () => {
  it('forRootAsync with useClass and isGlobal serves a feature module; autoStart false stays unstarted', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRootAsync({ isGlobal: true, producers: ['events'], consumerGroups: ['manual'], useClass: KafkaOptionsFactory }),
        FeatureModule,
      ],
      providers: [ManualHandler],
    }).compile();
    const app = await moduleRef.init();
    try {
      const feature = app.get(FeatureService);
      const registry = app.get(KafkaClientRegistry);
      assert.equal(feature.producer, registry.producer('events'));
      assert.equal(feature.producer.topic, 'events');
      assert.equal(feature.group, registry.group('manual'));
      assert.ok(feature.group.hasHandler(), 'the decorated handler was not registered');
      assert.notEqual(feature.group.state, ConsumerState.Starting);
      assert.notEqual(feature.group.state, ConsumerState.Consuming);
    } finally {
      await app.close();
    }
    assert.equal(app.get(KafkaClientRegistry).group('manual').state, ConsumerState.Closing, 'group not closed on shutdown');
  });

  it('does not change the options object it is given', async () => {
    const options: KafkaModuleOptions = { ...quiet, consumerGroups: { g: { topic: 't', groupName: 'g', autoStart: false } } };
    const snapshot = structuredClone(options);
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaModule.forRoot(options)],
      providers: [
        {
          provide: 'handler',
          useFactory: (group: KafkaConsumerGroup) => group.registerHandler(async () => {}),
          inject: [getConsumerGroupToken('g')],
        },
      ],
    }).compile();
    await moduleRef.init();
    await moduleRef.close();
    assert.deepEqual(options, snapshot);
  });
});
