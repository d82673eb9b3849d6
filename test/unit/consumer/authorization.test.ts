import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsumerGroupCore } from '../../../lib/core/consumer/consumer-group-core.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { KafkaAuthorizationError, KafkaOperationError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { FakeTransport, testGroupConfig } from './fake-transport.js';

/** What kafkajs throws when the group's ACL refuses the member. */
const groupRefusal = Object.assign(new Error('Not authorized to access group: Group authorization failed'), {
  name: 'KafkaJSProtocolError',
  type: 'GROUP_AUTHORIZATION_FAILED',
});

test('a crash on a group refusal is a KafkaAuthorizationError; health is CRITICAL until the group joins again', async () => {
  const config = testGroupConfig();
  const transport = new FakeTransport();
  const group = new ConsumerGroupCore(config, transport, silentLogger);
  const errors: KafkaError[] = [];
  group.errors.on((e) => errors.push(e));
  group.registerHandler(async () => undefined);
  await group.start();
  await group.waitForState(ConsumerState.Starting);

  transport.listener!.onCrash(groupRefusal);
  const refusal = errors.at(-1);
  assert.ok(refusal instanceof KafkaAuthorizationError, String(refusal));
  assert.equal(refusal.logData.authFailure, 'group');
  assert.equal(refusal.logData.group, 'g');
  assert.match(refusal.message, /^error consuming, will retry: not authorized on the consumer group/);
  assert.equal(group.authorizationFailure(), refusal);
  const report = await group.checker();
  assert.equal(report.status, 'CRITICAL');
  assert.equal(report.message, refusal.message);

  transport.listener!.onCrash(new Error('connection reset'));
  assert.ok(errors.at(-1) instanceof KafkaOperationError, 'other crashes stay KafkaOperationError');
  assert.equal(group.authorizationFailure(), refusal, 'an unrelated error does not clear the refusal');

  transport.listener!.onGroupJoin({ t: [0] });
  assert.equal(group.authorizationFailure(), undefined, 'joining clears it');
  await group.close();
});
