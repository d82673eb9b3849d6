/**
 * The spec both Nest apps of the matrix run (Jest in the Nest 11 CommonJS app, Vitest in the
 * Nest 12 ESM app): the test kit, an injected producer, a handler, and the Terminus indicator,
 * first on `KafkaTestingModule`, then over the real broker in `KAFKA_ADDR`.
 * `header` is the runner-specific first lines (Vitest imports its globals).
 */
export function nestAppSpec(header: string): string {
  return `${header}
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Kafka, logLevel } from 'kafkajs';
import { InjectProducer, KafkaHandler, KafkaModule, KafkaProducer, type AvroSchema, type AvroValue } from 'nestjs-kafka-channels';
import { KafkaHealthIndicator, KafkaHealthModule } from 'nestjs-kafka-channels/health';
import { InMemoryKafka, KafkaTestingModule, getInMemoryConsumerGroup, getInMemoryProducer } from 'nestjs-kafka-channels/testing';

const ORDER = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] } as const satisfies AvroSchema;
type Order = AvroValue<typeof ORDER>;

@Injectable()
class OrdersService {
  readonly handled: string[] = [];
  constructor(@InjectProducer('receipts') private readonly receipts: KafkaProducer) {}

  @KafkaHandler({ group: 'orders', schema: ORDER })
  async onOrder(order: Order): Promise<void> {
    this.handled.push(order.id);
    await this.receipts.sendJSON({ receiptFor: order.id });
  }
}

@Injectable()
class Publisher {
  constructor(@InjectProducer('orders') readonly orders: KafkaProducer) {}
}

@Injectable()
class HealthService {
  constructor(private readonly health: HealthCheckService, private readonly kafka: KafkaHealthIndicator) {}
  check() {
    return this.health.check([() => this.kafka.isHealthy('kafka')]);
  }
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('nestjs-kafka-channels from the packed tarball', () => {
  it('runs a handler and an injected producer on KafkaTestingModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot({
        producers: { receipts: { topic: 'receipts' } },
        consumerGroups: { orders: { topic: 'orders', groupName: 'orders-svc' } },
      })],
      providers: [OrdersService],
    }).compile();
    const app = await moduleRef.init();
    try {
      getInMemoryConsumerGroup(app, 'orders').queueMessage(ORDER, { id: 'o-1' });
      await app.get(InMemoryKafka).waitForIdle();
      expect(await getInMemoryProducer(app, 'receipts').waitForJSONMessageSent()).toEqual({ receiptFor: 'o-1' });
      expect(app.get(OrdersService).handled).toEqual(['o-1']);
    } finally {
      await app.close();
    }
  });

  it('boots on the real broker, handles a record, and reports healthy through Terminus', async () => {
    const brokers = (process.env.KAFKA_ADDR ?? '').split(',').filter(Boolean);
    expect(brokers.length).toBeGreaterThan(0);
    const suffix = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
    const ordersTopic = 'matrix-orders-' + suffix;
    const receiptsTopic = 'matrix-receipts-' + suffix;
    const admin = new Kafka({ clientId: 'matrix', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: ordersTopic }, { topic: receiptsTopic }], waitForLeaders: true });
    await admin.disconnect();

    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          isGlobal: true, brokers, logLevel: 'warn', kafkaJsLogLevel: 'nothing', shutdownTimeout: 10_000,
          producers: { orders: { topic: ordersTopic }, receipts: { topic: receiptsTopic } },
          consumerGroups: { orders: { topic: ordersTopic, groupName: 'matrix-' + suffix } },
        }),
        TerminusModule,
        KafkaHealthModule,
      ],
      providers: [OrdersService, Publisher, HealthService],
    }).compile();
    const app = await moduleRef.init();
    try {
      const producer = app.get(Publisher).orders;
      expect(producer).toBeInstanceOf(KafkaProducer);
      await producer.waitUntilInitialised();
      await producer.send(ORDER, { id: 'o-real' });
      await eventually('the handler to receive the order', () => app.get(OrdersService).handled.includes('o-real') || undefined);
      const health = await eventually('Terminus to report ok', async () => {
        const result = await app.get(HealthService).check();
        return result.status === 'ok' ? result : undefined;
      });
      expect(Object.keys(health.details)).toContain('kafka');
    } finally {
      await app.close();
    }
  });
});
`;
}
