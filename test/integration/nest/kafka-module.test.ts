import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import {
  InjectConsumerGroup,
  InjectProducer,
  KafkaBatchHandler,
  KafkaHandler,
  KafkaModule,
  getProducerToken,
} from '../../../lib/nest/index.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { eventually, testConnection } from './nest-fixtures.js';

const ORDER_SCHEMA = {
  type: 'record' as const,
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'int' },
  ],
};
interface Order {
  id: string;
  amount: number;
}

const ordersTopic = uniqueName('nest-orders');
const auditTopic = uniqueName('nest-audit');

/** A config provider the async factory gets injected, as an app's ConfigService would be. */
class TestConfig {
  readonly ordersTopic = ordersTopic;
  readonly auditTopic = auditTopic;
  readonly groupPrefix = uniqueName('nest-group');
}

@Module({ providers: [TestConfig], exports: [TestConfig] })
class TestConfigModule {}

@Injectable()
class OrdersHandler {
  readonly received: Array<{ order: Order; workerId: number; offset: string; self: unknown }> = [];

  @KafkaHandler({ group: 'orders', schema: ORDER_SCHEMA })
  async onOrder(order: Order, workerId: number, message: KafkaMessage): Promise<void> {
    this.received.push({ order, workerId, offset: message.offset, self: this });
  }
}

@Injectable()
class AuditHandler {
  readonly batches: string[][] = [];

  @KafkaBatchHandler({ group: 'audit' })
  async onBatch(messages: KafkaMessage[]): Promise<void> {
    this.batches.push(messages.map((m) => m.value?.toString() ?? ''));
  }
}

@Injectable()
class Publisher {
  constructor(
    @InjectProducer('orders') readonly orders: KafkaProducer,
    @InjectProducer('audit') readonly audit: KafkaProducer,
    @InjectConsumerGroup('orders') readonly ordersGroup: KafkaConsumerGroup,
  ) {}
}

describe('KafkaModule.forRootAsync on a real broker', () => {
  let app: INestApplicationContext;

  before(async () => {
    await createTopic(ordersTopic, 2);
    await createTopic(auditTopic, 1);
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRootAsync({
          imports: [TestConfigModule],
          inject: [TestConfig],
          producers: ['orders', 'audit'],
          consumerGroups: ['orders', 'audit'],
          useFactory: (config: TestConfig) => ({
            ...testConnection(),
            producers: { orders: { topic: config.ordersTopic }, audit: { topic: config.auditTopic } },
            consumerGroups: {
              orders: { topic: config.ordersTopic, groupName: `${config.groupPrefix}-orders`, numWorkers: 2 },
              audit: { topic: config.auditTopic, groupName: `${config.groupPrefix}-audit`, batchSize: 5, batchWaitTime: 300 },
            },
          }),
        }),
      ],
      providers: [OrdersHandler, AuditHandler, Publisher],
    }).compile();
    app = await moduleRef.init();
  });

  after(async () => {
    await app?.close();
  });

  it('injects the named producers and groups', () => {
    const publisher = app.get(Publisher);
    assert.equal(publisher.orders.topic, ordersTopic);
    assert.equal(publisher.audit.topic, auditTopic);
    assert.equal(app.get<KafkaProducer>(getProducerToken('orders')), publisher.orders);
    assert.deepEqual([...publisher.ordersGroup.topics], [ordersTopic]);
  });

  it('delivers a produced Avro event, decoded, to the handler with this bound', async () => {
    const publisher = app.get(Publisher);
    const handler = app.get(OrdersHandler);
    await publisher.orders.waitUntilInitialised();
    const sent: Order[] = Array.from({ length: 6 }, (_, i) => ({ id: `o-${i}`, amount: i * 10 }));
    await Promise.all(sent.map((order) => publisher.orders.send(ORDER_SCHEMA, order, { key: order.id })));
    await eventually('six orders handled', () => handler.received.length >= 6);
    assert.deepEqual(handler.received.map((r) => r.order.id).sort(), sent.map((o) => o.id).sort());
    assert.ok(
      handler.received.every((r) => r.self === handler),
      'handler ran with another this',
    );
    assert.ok(
      handler.received.every((r) => r.workerId === 1 || r.workerId === 2),
      'worker ids are 1..numWorkers',
    );
  });

  it('hands the batch handler batches of up to batchSize', async () => {
    const publisher = app.get(Publisher);
    const handler = app.get(AuditHandler);
    await publisher.audit.waitUntilInitialised();
    const values = Array.from({ length: 12 }, (_, i) => `audit-${i}`);
    await Promise.all(values.map((v) => publisher.audit.sendBytes(v)));
    await eventually('twelve audit records handled', () => handler.batches.flat().length >= 12);
    assert.deepEqual(handler.batches.flat().sort(), [...values].sort());
    assert.ok(
      handler.batches.every((b) => b.length >= 1 && b.length <= 5),
      `batch sizes ${handler.batches.map((b) => b.length).join(',')}`,
    );
    assert.ok(
      handler.batches.some((b) => b.length > 1),
      'expected at least one batch of several messages',
    );
  });
});
