import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { INestMicroservice } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import type { KafkaChannelsClient } from '../../../lib/nest/microservices/index.js';
import { eventually } from '../../support/eventually.js';
import { uniqueName } from '../../support/env.js';
import {
  SeenEvents,
  builtInClient,
  interopModule,
  interopTopics,
  ourClient,
  startBuiltIn,
  startOurs,
  type InteropTopics,
} from './interop-fixtures.js';

/** What a client receives for each behaviour of the interop controller. */
async function outcomes(client: { send: ClientKafka['send'] }, topics: InteropTopics): Promise<Record<string, unknown>> {
  const settle = (pattern: string, data: unknown): Promise<unknown> =>
    firstValueFrom(client.send(pattern, data)).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
  return {
    sum: await settle(topics.sum, { numbers: [1, 2, 3] }),
    rpcError: await settle(topics.rpcError, { any: 1 }),
    plainError: await settle(topics.plainError, { any: 1 }),
  };
}

const EXPECTED = {
  // The built-in parser decodes only JSON objects and arrays: a number comes back as its text, on both transports.
  sum: { value: '6' },
  rpcError: { error: { status: 'refused', reason: 'not today' } },
  plainError: { error: { status: 'error', message: 'Internal server error' } },
};

describe('wire compatibility with @nestjs/microservices 12 (Kafka transport)', { timeout: 240_000 }, () => {
  let topics: InteropTopics;
  const oursSeen = new SeenEvents();
  const builtInSeen = new SeenEvents();
  let oursServer: INestMicroservice;
  let builtInServer: INestMicroservice;
  let builtIn: ClientKafka;
  let ours: KafkaChannelsClient;
  // The same controller on both servers, each on its own topics.
  let oursTopics: InteropTopics;
  let builtInTopics: InteropTopics;

  before(async () => {
    [oursTopics, builtInTopics] = await Promise.all([interopTopics('ms-ours'), interopTopics('ms-builtin')]);
    topics = oursTopics;
    [oursServer, builtInServer] = await Promise.all([
      startOurs(interopModule(oursTopics, oursSeen), uniqueName('ms-ours-server')),
      startBuiltIn(interopModule(builtInTopics, builtInSeen), uniqueName('ms-builtin-server')),
    ]);
    const patterns = (t: InteropTopics) => [t.sum, t.rpcError, t.plainError];
    [builtIn, ours] = await Promise.all([
      builtInClient([...patterns(oursTopics), ...patterns(builtInTopics)]),
      ourClient([...patterns(oursTopics), ...patterns(builtInTopics)]),
    ]);
  });

  after(async () => {
    await Promise.allSettled([builtIn?.close(), ours?.close()]);
    await Promise.allSettled([oursServer?.close(), builtInServer?.close()]);
  });

  test('built-in ClientKafka.send() is answered by a @MessagePattern on KafkaChannelsServer, errors as the built-in server sends them', async () => {
    assert.deepEqual(await outcomes(builtIn, oursTopics), EXPECTED);
    assert.deepEqual(await outcomes(builtIn, builtInTopics), EXPECTED, 'the built-in server answers the same');
  });

  test('KafkaChannelsClient.send() is answered by the built-in ServerKafka, errors as the built-in client receives them', async () => {
    assert.deepEqual(await outcomes(ours, builtInTopics), EXPECTED);
    assert.deepEqual(await outcomes(ours, oursTopics), EXPECTED, 'and by KafkaChannelsServer alike');
  });

  test('events both ways: built-in emit() to KafkaChannelsServer, KafkaChannelsClient emit() to ServerKafka', async () => {
    const toOurs = { id: uniqueName('to-ours') };
    const toBuiltIn = { id: uniqueName('to-builtin') };
    await firstValueFrom(builtIn.emit(topics.event, toOurs));
    await firstValueFrom(ours.emit(builtInTopics.event, toBuiltIn));
    await eventually('the events arrived', () => oursSeen.events.length > 0 && builtInSeen.events.length > 0);
    assert.deepEqual(oursSeen.events, [toOurs]);
    assert.deepEqual(builtInSeen.events, [toBuiltIn]);
  });
});
