import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  Injectable,
  ParseArrayPipe,
  UseGuards,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
  type INestApplicationContext,
  type Provider,
} from '@nestjs/common';
import { Ctx, Payload as RpcPayload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { NonRetryableError, type KafkaError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaBatchHandler, KafkaHandler, type KafkaModuleOptions } from '../../../lib/nest/index.js';
import {
  KafkaBatchContext,
  KafkaContext,
  KafkaCtx,
  KafkaHandlerStats,
  Message,
  NotKafkaContextError,
  Payload,
  kafkaContextOf,
} from '../../../lib/nest/pipeline/index.js';
import { getInMemoryConsumerGroup } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

class ItemDto {
  @IsString()
  name!: string;
}

@Injectable()
class BatchHandler {
  readonly calls: Array<{ items: ItemDto[]; count: number; group: string }> = [];

  @KafkaBatchHandler({ group: 'items' })
  async onItems(
    @Payload(new ParseArrayPipe({ items: ItemDto })) items: ItemDto[],
    @Message() messages: KafkaMessage[],
    @KafkaCtx() ctx: KafkaBatchContext,
  ): Promise<void> {
    this.calls.push({ items, count: messages.length, group: ctx.group });
  }
}

const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return `${context.getType()}:${context.switchToRpc().getData<KafkaMessage>().getHeader('tenant') ?? '-'}`;
});

class EvenOnly implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return Number(context.switchToRpc().getData<KafkaMessage>().offset) % 2 === 0;
  }
}

@Injectable()
class MixedHandler {
  readonly seen: unknown[] = [];

  // @nestjs/microservices' own decorators and a custom one, on a routed topic.
  @KafkaHandler({ group: 'mixed', topic: 'mixed-a' })
  async onA(@RpcPayload('id') id: string, @Ctx() ctx: KafkaContext, @Tenant() tenant: string): Promise<void> {
    this.seen.push({ id, ctxIsKafka: ctx instanceof KafkaContext, tenant });
  }

  // No parameter decorator: the positional call, even with a guard around it.
  @KafkaHandler({ group: 'mixed', topic: 'mixed-b' })
  @UseGuards(EvenOnly)
  async onB(payload: KafkaMessage, workerId: number, message: KafkaMessage): Promise<void> {
    this.seen.push({ positional: payload === message, workerId, offset: message.offset });
  }
}

const apps: INestApplicationContext[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function start(consumerGroups: KafkaModuleOptions['consumerGroups'], providers: Provider[]): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaTestingModule.forRoot({ consumerGroups, logLevel: 'nothing' })],
    providers: [...providers, EvenOnly],
  }).compile();
  const app = await moduleRef.init();
  apps.push(app);
  return app;
}

describe('Nest pipeline, more cases (test kit)', () => {
  it('gives a batch handler the decoded array (validated item by item), the messages and a KafkaBatchContext', async () => {
    const app = await start({ items: { topic: 'items', groupName: 'items', batchSize: 3, batchWaitTime: 20 } }, [BatchHandler]);
    const group = getInMemoryConsumerGroup(app, 'items');
    const errors: KafkaError[] = [];
    group.errors.on((e) => errors.push(e));
    group.queueJSON({ name: 'a' });
    group.queueJSON({ name: 'b' });
    group.queueJSON({ name: 'c' });
    await group.waitForIdle();
    const handler = app.get(BatchHandler);
    assert.deepEqual(
      handler.calls.map((c) => [c.items.map((i) => i.name), c.count, c.group]),
      [[['a', 'b', 'c'], 3, 'items']],
    );
    assert.ok(handler.calls[0]!.items[0] instanceof ItemDto);

    group.queueJSON({ name: 'd' });
    group.queueJSON({ name: 42 });
    group.queueJSON({ name: 'f' });
    await group.waitForIdle();
    assert.equal(handler.calls.length, 1, 'the invalid batch never reached the handler');
    assert.equal(errors.length, 1);
    assert.ok(errors[0]!.cause instanceof NonRetryableError, String(errors[0]!.cause));
    assert.equal(group.committedOffset(0), '6', 'committed as the default policy does');
  });

  it("runs @nestjs/microservices' @Payload/@Ctx and custom param decorators; keeps the positional call; a guard skip is counted", async () => {
    const app = await start({ mixed: { topic: ['mixed-a', 'mixed-b'], groupName: 'mixed' } }, [MixedHandler]);
    const group = getInMemoryConsumerGroup(app, 'mixed');
    group.queueJSON({ id: 'x-1' }, { topic: 'mixed-a', headers: { tenant: 't1' } });
    group.queueJSON({ n: 0 }, { topic: 'mixed-b' });
    group.queueJSON({ n: 1 }, { topic: 'mixed-b' });
    await group.waitForIdle();
    const seen = app.get(MixedHandler).seen;
    assert.deepEqual(seen, [
      { id: 'x-1', ctxIsKafka: true, tenant: 'kafka:t1' },
      { positional: true, workerId: 1, offset: '0' },
    ]);
    assert.equal(app.get(KafkaHandlerStats).skippedByGuard('mixed'), 1);
    assert.equal(group.committedOffset(0, 'mixed-b'), '2');
  });

  it('makes a payload that is not JSON a NonRetryableError for @Payload()', async () => {
    const app = await start({ mixed: { topic: ['mixed-a', 'mixed-b'], groupName: 'mixed-2' } }, [MixedHandler]);
    const group = getInMemoryConsumerGroup(app, 'mixed');
    const errors: KafkaError[] = [];
    group.errors.on((e) => errors.push(e));
    group.queueBytes('not json', { topic: 'mixed-a' });
    await group.waitForIdle();
    assert.equal(errors.length, 1);
    assert.ok(errors[0]!.cause instanceof NonRetryableError);
    assert.match(errors[0]!.cause.message, /payload of MixedHandler\.onA could not be decoded/);
  });

  it('kafkaContextOf refuses a host of another type', () => {
    const host = new ExecutionContextHost([{}, {}]);
    host.setType('rpc');
    assert.throws(() => kafkaContextOf(host), NotKafkaContextError);
  });
});
