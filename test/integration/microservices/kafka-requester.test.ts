import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { INestMicroservice } from '@nestjs/common';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaRequester } from '../../../lib/core/request-reply/kafka-requester.js';
import {
  RemoteHandlerError,
  ReplyPartitionUnavailableError,
  RequestClientClosedError,
  RequestTimeoutError,
} from '../../../lib/core/request-reply/request-reply-errors.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { SeenEvents, interopModule, interopTopics, startBuiltIn, startOurs, type InteropTopics } from './interop-fixtures.js';

function requester(topics: readonly string[], requestTimeoutMs = 30_000): KafkaRequester {
  return new KafkaRequester({
    brokers: sharedBrokers(),
    logger: silentLogger,
    kafkaJsLogLevel: 'nothing',
    topics,
    replyGroupName: uniqueName('requester'),
    requestTimeoutMs,
  });
}

// The framework-free requester against the same @MessagePattern controller on both repliers.
for (const replier of ['KafkaChannelsServer', 'built-in ServerKafka'] as const) {
  describe(`KafkaRequester against ${replier}`, () => {
    let topics: InteropTopics;
    let app: INestMicroservice;
    let client: KafkaRequester;

    before(async () => {
      topics = await interopTopics(replier === 'KafkaChannelsServer' ? 'req-ours' : 'req-builtin');
      const module = interopModule(topics, new SeenEvents());
      app =
        replier === 'KafkaChannelsServer'
          ? await startOurs(module, uniqueName('req-ours'))
          : await startBuiltIn(module, uniqueName('req-builtin'));
      client = requester([topics.sum, topics.rpcError, topics.plainError]);
      await client.connect();
    });
    after(async () => {
      await client?.close();
      await app?.close();
    });

    test('resolves with the reply record', async () => {
      const reply = await client.request(topics.sum, { value: JSON.stringify({ numbers: [1, 2, 3] }) });
      assert.equal(reply.value?.toString(), '6');
      assert.equal(reply.topic, `${topics.sum}.reply`);
    });

    test("a handler's error arrives as RemoteHandlerError with the replier's error text", async () => {
      const refused = await client.request(topics.rpcError, { value: '{}' }).catch((error: unknown) => error);
      assert.ok(refused instanceof RemoteHandlerError);
      assert.deepEqual(JSON.parse(refused.remoteError), { status: 'refused', reason: 'not today' });
      const failed = await client.request(topics.plainError, { value: '{}' }).catch((error: unknown) => error);
      assert.ok(failed instanceof RemoteHandlerError);
      assert.deepEqual(JSON.parse(failed.remoteError), { status: 'error', message: 'Internal server error' });
    });

    test('concurrent requests each get their own reply', async () => {
      const sums = await Promise.all(
        Array.from({ length: 20 }, (_, i) => client.request(topics.sum, { value: JSON.stringify({ numbers: [i, 1000] }) })),
      );
      assert.deepEqual(
        sums.map((reply) => reply.value?.toString()),
        Array.from({ length: 20 }, (_, i) => String(i + 1000)),
      );
    });
  });
}

describe('KafkaRequester failures', () => {
  test('no replier: RequestTimeoutError; an unlisted topic: ReplyPartitionUnavailableError; after close: RequestClientClosedError', async () => {
    const topic = uniqueName('req-nobody');
    await Promise.all([createTopic(topic, 1), createTopic(`${topic}.reply`, 1)]);
    const client = requester([topic], 1_500);
    await client.connect();
    try {
      await assert.rejects(client.request(topic, { value: 'hello' }), RequestTimeoutError);
      await assert.rejects(client.request(topic, { value: 'hello' }, { timeoutMs: 300 }), RequestTimeoutError);
      await assert.rejects(client.request(uniqueName('req-unlisted'), { value: 'hello' }), ReplyPartitionUnavailableError);
      const waiting = assert.rejects(client.request(topic, { value: 'hello' }, { timeoutMs: 60_000 }), RequestClientClosedError);
      await client.close();
      await waiting;
      await assert.rejects(client.request(topic, { value: 'hello' }), RequestClientClosedError);
    } finally {
      await client.close();
    }
  });
});
