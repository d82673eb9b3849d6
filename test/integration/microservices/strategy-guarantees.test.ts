import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import 'reflect-metadata';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, KafkaRetriableException, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import type { OnHandlerError } from '../../../lib/core/consumer/failure/failure-policy.js';
import {
  KafkaChannelsServer,
  ReplyPartitionUnavailableError,
  RequestTimeoutError,
  type KafkaChannelsClient,
} from '../../../lib/nest/microservices/index.js';
import { committedOffsets, createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { ourClient } from './interop-fixtures.js';

/** Calls per payload id, shared by the controller and the test. */
type Calls = Map<string, number>;

function flakyModule(eventTopic: string, requestTopic: string, calls: Calls): Type<unknown> {
  const count = (id: string): number => {
    const n = (calls.get(id) ?? 0) + 1;
    calls.set(id, n);
    return n;
  };
  @Controller()
  class FlakyController {
    // Fails on the first two calls of each record.
    @EventPattern<string>(eventTopic)
    onEvent(@Payload() data: { id: string }): void {
      if (count(data.id) <= 2) throw new Error(`flaky ${data.id}`);
    }

    // Asks for a redelivery on its first call, then answers.
    @MessagePattern(requestTopic)
    onRequest(@Payload() data: { id: string }): string {
      if (count(data.id) === 1) throw new KafkaRetriableException('try again');
      return `answered ${data.id}`;
    }
  }
  @Module({ controllers: [FlakyController] })
  class FlakyModule {}
  return FlakyModule;
}

async function startWithPolicy(module: Type<unknown>, groupName: string, onError: OnHandlerError): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, {
    strategy: new KafkaChannelsServer({
      brokers: sharedBrokers(),
      kafkaJsLogLevel: 'nothing',
      logger: silent,
      group: { groupName, onError },
    }),
    logger: false,
  });
  await app.listen();
  return app;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('KafkaChannelsServer runs handlers with the consumer group guarantees', { timeout: 180_000 }, () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const close of cleanup.reverse()) await close().catch(() => {});
  });

  /** Fresh topics, the flaky controller on KafkaChannelsServer with `onError`, and a client subscribed to its replies. */
  async function flakySetup(prefix: string, onError: OnHandlerError, extraTopics: (eventTopic: string) => string[] = () => []) {
    const [eventTopic, requestTopic, groupName] = [uniqueName(`${prefix}-ev`), uniqueName(`${prefix}-rq`), uniqueName(prefix)];
    await Promise.all([eventTopic, requestTopic, `${requestTopic}.reply`, ...extraTopics(eventTopic)].map((topic) => createTopic(topic)));
    const calls: Calls = new Map();
    const app = await startWithPolicy(flakyModule(eventTopic, requestTopic, calls), groupName, onError);
    cleanup.push(() => app.close());
    const client = await ourClient([requestTopic]);
    cleanup.push(() => client.close());
    return { eventTopic, requestTopic, groupName, calls, client };
  }

  test('a failing @EventPattern is retried in place by the failure policy, then committed', async () => {
    const { eventTopic, groupName, calls, client } = await flakySetup('ms-flaky', { retry: { attempts: 3, initialMs: 10 } });
    await firstValueFrom(client.emit(eventTopic, { id: 'e1' }));
    await eventually('the event handled after two failures', () => calls.get('e1') === 3);
    await eventually('its offset committed', async () => (await committedOffsets(groupName, eventTopic)).get(0) === '1');
    assert.equal(calls.get('e1'), 3, 'no call after the success');
  });

  test('a KafkaRetriableException sends the request back through the policy; the retry answers it', async () => {
    const { requestTopic, groupName, calls, client } = await flakySetup('ms-retr', { retry: { attempts: 2, initialMs: 10 } });
    assert.equal(await firstValueFrom(client.send(requestTopic, { id: 'r1' })), 'answered r1');
    assert.equal(calls.get('r1'), 2);
    await eventually('the request committed after its reply', async () => (await committedOffsets(groupName, requestTopic)).get(0) === '1');
  });

  test('a record from a retry topic reaches the pattern of its original topic', async () => {
    // No in-place retry: the first failure forwards to the retry topic, the second is committed
    // (then: 'commit'), so exactly two calls prove the retry topic's record was dispatched.
    const { eventTopic, calls, client } = await flakySetup('ms-rt', { retryTopics: [200], then: 'commit' }, (t) => [`${t}.retry-200`]);
    await firstValueFrom(client.emit(eventTopic, { id: 'rt1' }));
    await eventually('the handler called again from the retry topic', () => calls.get('rt1') === 2);
  });
});

describe('KafkaChannelsClient failures are typed', { timeout: 120_000 }, () => {
  let client: KafkaChannelsClient | undefined;
  after(async () => client?.close());

  test('no reply within requestTimeoutMs: RequestTimeoutError; a pattern not subscribed: ReplyPartitionUnavailableError', async () => {
    const nobody = uniqueName('ms-nobody');
    await Promise.all([createTopic(nobody), createTopic(`${nobody}.reply`)]);
    client = await ourClient([nobody], { requestTimeoutMs: 1_500 });
    await assert.rejects(firstValueFrom(client.send(nobody, { q: 1 })), RequestTimeoutError);
    await assert.rejects(firstValueFrom(client.send(uniqueName('ms-unsubscribed'), { q: 1 })), (error: unknown) => {
      assert.ok(error instanceof ReplyPartitionUnavailableError);
      assert.match(error.message, /not subscribed/);
      return true;
    });
  });
});
