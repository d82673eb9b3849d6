import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { AssignedPartitions } from '../../../lib/core/consumer/partition-request.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { HealthStatus } from '../../../lib/core/health/health-types.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { InjectConsumerGroup, KafkaHandler } from '../../../lib/nest/decorators/index.js';
import type { KafkaConsumerGroupOptions } from '../../../lib/nest/kafka-module.options.js';
import { getInMemoryConsumerGroup } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';
import { eventually } from '../../support/eventually.js';

@Injectable()
class OrdersService {
  readonly handled: string[] = [];

  constructor(@InjectConsumerGroup('orders') readonly group: KafkaConsumerGroup) {}

  @KafkaHandler({ group: 'orders' })
  async onOrder(_value: unknown, _workerId: number, message: KafkaMessage): Promise<void> {
    this.handled.push(message.offset);
  }
}

const apps: INestApplicationContext[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

/** A test-kit app with OrdersService and group `orders` (topic `orders`) with `entry`'s extra options; closed after the tests. */
async function startOrdersApp(entry: Partial<KafkaConsumerGroupOptions>): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      KafkaTestingModule.forRoot({
        consumerGroups: { orders: { topic: 'orders', groupName: 'orders-svc', ...entry } },
        logLevel: 'nothing',
      }),
    ],
    providers: [OrdersService],
  }).compile();
  const app = await moduleRef.init();
  apps.push(app);
  return app;
}

const show = (ps: readonly AssignedPartitions[]) => ps.map((p) => `${p.topic}[${p.partitions.join(',')}]`).join(' ');

describe('consumer control in Nest (test kit)', () => {
  it('calls rebalance listeners declared in the group entry; the injected group pauses, seeks and reports lag', async () => {
    const events: string[] = [];
    const app = await startOrdersApp({
      onPartitionsAssigned: (ps) => void events.push(`assigned ${show(ps)}`),
      onPartitionsRevoked: (ps) => void events.push(`revoked ${show(ps)}`),
    });
    const service = app.get(OrdersService);
    const group = getInMemoryConsumerGroup(app, 'orders');
    for (let i = 0; i < 3; i++) group.queueJSON({ i });
    await group.waitForIdle();
    assert.deepEqual(events, ['assigned orders[0]']);

    await service.group.pause();
    assert.equal(service.group.isPaused(), true);
    group.queueJSON({ i: 3 });
    assert.equal((await service.group.lag()).total, 1);
    service.group.resume();
    await eventually('handled after the resume', () => service.handled.length === 4);
    await service.group.seek({ topic: 'orders', partition: 0, offset: 2 });
    await eventually('replayed from 2', () => service.handled.length === 6);
    assert.deepEqual(service.handled, ['0', '1', '2', '3', '2', '3']);
    await group.rebalance();
    await eventually('assigned again', () => events.length === 3);
    assert.deepEqual(events, ['assigned orders[0]', 'revoked orders[0]', 'assigned orders[0]']);
  });

  it("healthSubscription with onUnhealthy: 'pause' pauses and resumes the group without stopping it", async () => {
    let status: HealthStatus = 'OK';
    const app = await startOrdersApp({
      healthSubscription: { source: async () => status, interval: 10, onUnhealthy: 'pause' },
    });
    const group = getInMemoryConsumerGroup(app, 'orders');
    const states: ConsumerState[] = [];
    group.onStateChange((s) => states.push(s));
    await group.waitForState(ConsumerState.Consuming);
    status = 'CRITICAL';
    await eventually('paused', () => group.isPaused());
    assert.equal(group.state, ConsumerState.Consuming);
    status = 'OK';
    await eventually('resumed', () => !group.isPaused());
    assert.ok(!states.includes(ConsumerState.Stopping), 'never stopped');
  });
});
