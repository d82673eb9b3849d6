import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { readFailureHeaders } from '../../../lib/core/consumer/failure/failure-headers.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaBatchHandler, KafkaHandler } from '../../../lib/nest/decorators/index.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { getInMemoryConsumerGroup } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

@Injectable()
class FailingHandlers {
  calls = 0;
  batchCalls = 0;

  @KafkaHandler({ group: 'orders', onError: { retry: { attempts: 2, initialMs: 1 }, then: 'deadLetter' } })
  async onOrder(message: KafkaMessage): Promise<void> {
    this.calls++;
    throw new Error(`cannot handle ${message.offset}`);
  }

  @KafkaBatchHandler({ group: 'audit', onError: 'commit' })
  async onAudit(): Promise<void> {
    this.batchCalls++;
    throw new Error('audit down');
  }
}

const apps: INestApplicationContext[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('@KafkaHandler / @KafkaBatchHandler failure options', () => {
  it('the decorator options override the group: the handler retries and dead-letters, the batch handler commits', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaTestingModule.forRoot({
          consumerGroups: {
            orders: { topic: 'orders', groupName: 'orders-svc', onError: 'stop' },
            audit: { topic: 'audit', groupName: 'audit-svc', onError: 'stop' },
          },
          logLevel: 'nothing',
        }),
      ],
      providers: [FailingHandlers],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    const orders = getInMemoryConsumerGroup(app, 'orders');
    const audit = getInMemoryConsumerGroup(app, 'audit');
    orders.queueJSON({ id: 1 });
    audit.queueJSON({ id: 2 });
    await app.get(InMemoryKafka).waitForIdle();
    const service = app.get(FailingHandlers);
    assert.equal(service.calls, 3, 'one call and two retries (not the group-level stop)');
    assert.equal(orders.committedOffset(0), '1');
    const [dead] = orders.broker.messages('orders.DLT');
    assert.equal(readFailureHeaders(dead!).originalTopic, 'orders');
    assert.equal(orders.failureStats().deadLettered, 1);
    assert.equal(service.batchCalls, 1);
    assert.equal(audit.committedOffset(0), '1', 'commit, not the group-level stop');
    assert.equal(audit.failureStats().stopped, 0);
  });
});
