import { before } from 'node:test';
import { createTopic, uniqueName } from '../../support/env.js';
import { startBuiltIn, startOurs } from './interop-fixtures.js';
import { CREATED_TOPIC, TOTAL_TOPIC } from './orders-app/orders.controller.js';
import { ordersE2e } from './orders-app/orders.e2e.js';
import { OrdersModule } from './orders-app/orders.module.js';

// One controller written for Transport.KAFKA, one e2e test: first on the built-in server (the
// test is right), then unchanged on KafkaChannelsServer (the strategy is a drop-in).
before(async () => {
  await Promise.all([createTopic(TOTAL_TOPIC, 2), createTopic(`${TOTAL_TOPIC}.reply`, 2), createTopic(CREATED_TOPIC, 2)]);
});

ordersE2e('Transport.KAFKA', () => startBuiltIn(OrdersModule, uniqueName('orders-builtin')));
ordersE2e('KafkaChannelsServer', () => startOurs(OrdersModule, uniqueName('orders-ours')));
