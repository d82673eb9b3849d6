import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { KafkaChannelsServer, ReplyPartitionUnavailableError, type KafkaChannelsClient } from '../../../lib/nest/microservices/index.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { ourClient } from './interop-fixtures.js';

const closers: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

test(
  'a rebalance of the reply group fails the requests whose reply partition moved; no reply reaches another caller',
  { timeout: 180_000 },
  async () => {
    const topic = uniqueName('ms-rebal');
    const replyGroupName = uniqueName('ms-rebal-replies');
    await Promise.all([createTopic(topic, 1), createTopic(`${topic}.reply`, 2)]);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let slowStarted = false;

    @Controller()
    class EchoController {
      @MessagePattern(topic)
      async echo(@Payload() data: { caller: string; id: string }): Promise<string> {
        if (data.id === 'slow') {
          slowStarted = true;
          await gate;
        }
        return `${data.caller}:${data.id}`;
      }
    }
    @Module({ controllers: [EchoController] })
    class EchoModule {}

    const app: INestMicroservice = await NestFactory.createMicroservice(EchoModule, {
      strategy: new KafkaChannelsServer({
        brokers: sharedBrokers(),
        kafkaJsLogLevel: 'nothing',
        group: { groupName: uniqueName('ms-rebal-srv') },
      }),
      logger: false,
    });
    await app.listen();
    closers.push(() => app.close());

    // kafkajs' round-robin assigner orders members by member id, which starts with the client id:
    // once "b-…" joins, it takes partition 0, the one "z-…" named while it held both.
    const first: KafkaChannelsClient = await ourClient([topic], { clientId: 'z-first', replyGroupName });
    closers.push(() => first.close());
    const slow = firstValueFrom(first.send(topic, { caller: 'first', id: 'slow' })).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await eventually('the slow request is being handled', () => slowStarted);

    const second: KafkaChannelsClient = await ourClient([topic], { clientId: 'b-second', replyGroupName });
    closers.push(() => second.close());
    const outcome = await slow;
    assert.ok('error' in outcome, `the first caller lost its reply partition, yet got ${JSON.stringify(outcome)}`);
    assert.ok(outcome.error instanceof ReplyPartitionUnavailableError);
    assert.match(outcome.error.message, /partition 0 of reply topic .* moved to another instance/);

    // The server answers the slow request now, onto partition 0, which the second caller reads and drops.
    release();
    // The request topic has one partition: the next requests are handled after the slow one, so its
    // stray reply is on partition 0 before the second caller's own.
    const [fromFirst, fromSecond] = await Promise.all([
      firstValueFrom(first.send<string>(topic, { caller: 'first', id: 'after' })),
      firstValueFrom(second.send<string>(topic, { caller: 'second', id: 'after' })),
    ]);
    assert.equal(fromFirst, 'first:after');
    assert.equal(fromSecond, 'second:after', 'the second caller got its own reply, not the stray one');
  },
);
