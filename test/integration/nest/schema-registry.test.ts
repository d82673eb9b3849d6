import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { encodeAvro } from '../../../lib/core/avro.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import type { SchemaRegistry } from '../../../lib/core/registry/schema-registry.js';
import { InjectProducer, KafkaBatchHandler, KafkaHandler, KafkaModule, Payload, getSchemaRegistryToken } from '../../../lib/nest/index.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { useTestRegistry } from '../../support/registry.js';
import { ORDER_V1, ORDER_V2 } from '../../support/registry-schemas.js';
import { eventually, testConnection } from './nest-fixtures.js';

const ordersTopic = uniqueName('nest-registry-orders');
const auditTopic = uniqueName('nest-registry-audit');
const plainTopic = uniqueName('nest-registry-plain');

@Injectable()
class OrderHandlers {
  readonly orders: unknown[] = [];
  readonly audit: unknown[][] = [];
  readonly plain: unknown[] = [];

  @KafkaHandler({ group: 'orders', schema: ORDER_V2 })
  async onOrder(@Payload() order: { id: string; note: string }): Promise<void> {
    this.orders.push({ ...order });
  }

  @KafkaBatchHandler({ group: 'audit' })
  async onAudit(@Payload() events: Array<{ id: string }>): Promise<void> {
    this.audit.push(events.map((e) => ({ ...e })));
  }

  @KafkaHandler({ group: 'plain', schema: ORDER_V1 })
  async onPlain(order: { id: string }, _workerId: number, message: KafkaMessage): Promise<void> {
    this.plain.push({ ...order, bytes: message.value });
  }
}

@Injectable()
class Senders {
  constructor(
    @InjectProducer('orders') readonly orders: KafkaProducer,
    @InjectProducer('audit') readonly audit: KafkaProducer,
    @InjectProducer('plain') readonly plain: KafkaProducer,
  ) {}
}

describe('KafkaModule with a schema registry (real broker, Apicurio)', () => {
  const testRegistry = useTestRegistry();
  let app: INestApplicationContext;

  before(async () => {
    await Promise.all([createTopic(ordersTopic, 1), createTopic(auditTopic, 1), createTopic(plainTopic, 1)]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          ...testConnection(),
          schemaRegistry: { url: testRegistry().ccompatUrl, timeoutMs: 5_000 },
          producers: {
            orders: { topic: ordersTopic, schemaRegistry: { autoRegister: true } },
            audit: { topic: auditTopic, schemaRegistry: { autoRegister: true } },
            plain: { topic: plainTopic, schemaRegistry: false },
          },
          consumerGroups: {
            orders: { topic: ordersTopic, groupName: uniqueName('nest-registry-orders') },
            audit: { topic: auditTopic, groupName: uniqueName('nest-registry-audit'), batchSize: 10, batchWaitTime: 100 },
            plain: { topic: plainTopic, groupName: uniqueName('nest-registry-plain'), schemaRegistry: false },
          },
        }),
      ],
      providers: [OrderHandlers, Senders],
    }).compile();
    app = await moduleRef.init();
  });

  after(async () => {
    await app?.close();
  });

  it('module producers frame with the registry; @Payload() gets the event resolved into the handler schema', async () => {
    const { orders, audit } = app.get(Senders);
    await orders.waitUntilInitialised();
    await audit.waitUntilInitialised();
    await orders.send(ORDER_V1, { id: 'o-1' });
    await orders.send(ORDER_V2, { id: 'o-2', note: 'hi' });
    await audit.send(ORDER_V1, { id: 'a-1' });
    const handlers = app.get(OrderHandlers);
    await eventually('both orders handled', () => handlers.orders.length === 2);
    assert.deepEqual(handlers.orders, [
      { id: 'o-1', note: 'none' },
      { id: 'o-2', note: 'hi' },
    ]);
    await eventually('the audit batch handled', () => handlers.audit.flat().length === 1);
    assert.deepEqual(handlers.audit.flat(), [{ id: 'a-1' }], 'a batch handler without schema gets the writer events');
  });

  it('schemaRegistry: false keeps a producer and a group on plain Avro (dp-kafka format)', async () => {
    const { plain } = app.get(Senders);
    await plain.waitUntilInitialised();
    await plain.send(ORDER_V1, { id: 'p-1' });
    const handlers = app.get(OrderHandlers);
    await eventually('the plain order handled', () => handlers.plain.length === 1);
    assert.deepEqual(handlers.plain[0], { id: 'p-1', bytes: encodeAvro(ORDER_V1, { id: 'p-1' }) });
  });

  it('the registry client is injectable and knows what the producers registered', async () => {
    const registry = app.get<SchemaRegistry | null>(getSchemaRegistryToken());
    assert.ok(registry);
    const latest = await registry.latestVersion(`${ordersTopic}-value`);
    assert.equal(latest.version, 2);
    assert.deepEqual(JSON.parse(latest.schema), ORDER_V2);
  });
});
