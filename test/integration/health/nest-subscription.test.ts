/**
 * The module option `consumerGroups.<name>.healthSubscription` on the shared broker: the group
 * does not start at bootstrap while its source is CRITICAL, consumes once it is OK, stops again
 * on CRITICAL, and the subscription ends before shutdown drains the group.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { HealthStatus } from '../../../lib/core/health/health-types.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaHandler, KafkaModule, getConsumerGroupToken } from '../../../lib/nest/index.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { createTopic, produceRaw, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';

const topic = uniqueName('nest-health-sub');
let dependency: HealthStatus = 'CRITICAL';
const seen: string[] = [];

@Injectable()
class OrdersHandler {
  @KafkaHandler({ group: 'orders' })
  async handle(message: KafkaMessage): Promise<void> {
    seen.push(message.value?.toString() ?? '');
  }
}

/** The app under test; built in `before` so a missing KAFKA_ADDR fails the test with its message. */
function appModule(): new () => object {
  @Module({
    imports: [
      KafkaModule.forRoot({
        brokers: sharedBrokers(),
        logLevel: 'warn',
        kafkaJsLogLevel: 'nothing',
        shutdownTimeout: 10_000,
        consumerGroups: {
          orders: {
            topic,
            groupName: uniqueName('nest-health-sub'),
            healthSubscription: { source: async () => dependency, interval: 100 },
          },
        },
      }),
    ],
    providers: [OrdersHandler],
  })
  class AppModule {}
  return AppModule;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function produce(values: string[]): Promise<void> {
  await produceRaw(
    topic,
    values.map((value) => ({ value })),
  );
}

describe('KafkaModule healthSubscription option', () => {
  let app: INestApplicationContext;
  let group: KafkaConsumerGroup;

  before(async () => {
    await createTopic(topic);
    const moduleRef = await Test.createTestingModule({ imports: [appModule()] }).compile();
    app = await moduleRef.init();
    group = app.get(getConsumerGroupToken('orders'));
  });

  after(async () => {
    await app?.close();
  });

  it('does not start at bootstrap while the source is CRITICAL', async () => {
    await produce(['a']);
    await wait(1_500);
    assert.deepEqual(seen, []);
    assert.notEqual(group.state, ConsumerState.Consuming);
  });

  it('starts when the source turns OK and stops when it turns CRITICAL again', async () => {
    dependency = 'OK';
    await eventually('message a handled', () => seen.includes('a'));
    dependency = 'CRITICAL';
    await eventually('group stopped', () => group.state === ConsumerState.Stopped);
    await produce(['b']);
    await wait(1_000);
    assert.deepEqual(seen, ['a']);
  });
});
