import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandlerRegistrationError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaChannelsServer } from '../../../lib/nest/microservices/kafka-channels.server.js';

const options = { brokers: ['localhost:1'], logger: silentLogger, group: { groupName: 'g' } };

test('a RegExp pattern fails listen() with a HandlerRegistrationError naming it; no group is created', async () => {
  const server = new KafkaChannelsServer(options);
  server.addHandler(/orders\..*/, async () => undefined, true);
  server.addHandler('orders.created', async () => undefined, true);
  const error = await new Promise<unknown>((resolve) => void server.listen(resolve));
  assert.ok(error instanceof HandlerRegistrationError);
  assert.match(error.message, /RegExp patterns are not supported .*\/orders\\\..*\//);
  assert.equal(server.consumerGroup, undefined);
  await server.close();
});

test('without any pattern listen() succeeds and consumes nothing', async () => {
  const server = new KafkaChannelsServer(options);
  const error = await new Promise<unknown>((resolve) => void server.listen(resolve));
  assert.equal(error, undefined);
  assert.equal(server.consumerGroup, undefined);
  await server.close();
});
