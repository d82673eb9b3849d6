import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Schema } from 'avsc';
import { NotInMemoryClientError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaBatchHandler, KafkaHandler } from '../../../lib/nest/decorators/index.js';
import { KafkaModuleError } from '../../../lib/nest/kafka-module.error.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { getInMemoryConsumerGroup, getInMemoryProducer } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

const ORDER: Schema = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

@Injectable()
class OrdersService {
  readonly handled: Array<{ id: string; workerId: number; requestId: string | undefined }> = [];
  readonly receipts: string[][] = [];

  constructor(@InjectProducer('receipts') private readonly receiptsProducer: KafkaProducer) {}

  @KafkaHandler({ group: 'orders', schema: ORDER })
  async onOrder(order: { id: string }, workerId: number, message: KafkaMessage): Promise<void> {
    this.handled.push({ id: order.id, workerId, requestId: message.requestId });
    await this.receiptsProducer.sendJSON({ receiptFor: order.id });
  }

  @KafkaBatchHandler({ group: 'receipts' })
  async onReceipts(messages: KafkaMessage[]): Promise<void> {
    this.receipts.push(messages.map((m) => m.json<{ receiptFor: string }>().receiptFor));
  }
}

const apps: INestApplicationContext[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

const options = {
  producers: { orders: { topic: 'orders' }, receipts: { topic: 'receipts' } },
  consumerGroups: {
    orders: { topic: 'orders', groupName: 'orders-svc', numWorkers: 2 },
    receipts: { topic: 'receipts', groupName: 'receipts-svc', batchSize: 2, batchWaitTime: 20 },
  },
  logLevel: 'nothing' as const,
};

describe('KafkaTestingModule', () => {
  it('runs decorated handlers and injected producers on in-memory clients, under the real tokens', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot(options)],
      providers: [OrdersService],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    const kafka = app.get(InMemoryKafka);
    const orders = getInMemoryProducer(app, 'orders');
    await orders.waitUntilInitialised();
    await getInMemoryProducer(app, 'receipts').waitUntilInitialised();

    await orders.send(ORDER, { id: 'o-1' }, { headers: { 'request-id': 'req-1' } });
    await orders.send(ORDER, { id: 'o-2' });
    getInMemoryConsumerGroup(app, 'orders').queueMessage(ORDER, { id: 'o-3' });
    await kafka.waitForIdle();

    const service = app.get(OrdersService);
    assert.deepEqual(
      service.handled.map((h) => h.id),
      ['o-1', 'o-2', 'o-3'],
    );
    assert.equal(service.handled[0]!.requestId, 'req-1');
    assert.ok(service.handled.every((h) => h.workerId === 1 || h.workerId === 2));
    assert.deepEqual(service.receipts.flat(), ['o-1', 'o-2', 'o-3']);
    assert.equal(getInMemoryConsumerGroup(app, 'orders').committedOffset(0), '3');
    assert.equal(kafka.groups.length, 2);
  });

  it('works with forRootAsync and a given InMemoryKafka', async () => {
    const kafka = new InMemoryKafka();
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaTestingModule.forRootAsync({
          kafka,
          producers: ['orders', 'receipts'],
          consumerGroups: ['orders', 'receipts'],
          useFactory: async () => ({ brokers: ['anything:9092'], ...options }),
        }),
      ],
      providers: [OrdersService],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    assert.equal(app.get(InMemoryKafka), kafka);
    getInMemoryConsumerGroup(app, 'orders').queueMessage(ORDER, { id: 'async' });
    await kafka.waitForIdle();
    assert.deepEqual(app.get(OrdersService).receipts.flat(), ['async']);
  });

  it("keeps the module's boot checks: a group without a handler fails the boot", async () => {
    const moduleRef = await Test.createTestingModule({ imports: [KafkaTestingModule.forRoot(options)] }).compile();
    await assert.rejects(moduleRef.init(), KafkaModuleError);
    await moduleRef.close();
  });

  it('getInMemoryProducer / getInMemoryConsumerGroup refuse real clients with NotInMemoryClientError', () => {
    const realApp = { get: () => ({}) } as unknown as INestApplicationContext;
    assert.throws(
      () => getInMemoryProducer(realApp, 'orders'),
      (e: unknown) => e instanceof NotInMemoryClientError && /KafkaProducer:orders/.test(e.message),
    );
    assert.throws(() => getInMemoryConsumerGroup(realApp), NotInMemoryClientError);
  });
});
