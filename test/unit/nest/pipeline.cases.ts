/**
 * Nest pipeline cases (issue 17) written once and run twice: on the test kit
 * (`KafkaTestingModule`, test/unit/nest/pipeline.test.ts) and in a Nest app on the real broker
 * (test/integration/nest/pipeline.test.ts). Both runs must pass.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Catch,
  Injectable,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type ArgumentMetadata,
  type CallHandler,
  type CanActivate,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplicationContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Min } from 'class-validator';
import { tap } from 'rxjs';
import { MessageHandlerError, NonRetryableError, type KafkaError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaHandler, getConsumerGroupToken, type KafkaConsumerGroupOptions, type KafkaModuleOptions } from '../../../lib/nest/index.js';
import { Header, KafkaContext, KafkaCtx, KafkaHandlerStats, Payload, WorkerId, kafkaContextOf } from '../../../lib/nest/pipeline/index.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';

/** One record a case writes: JSON `value` to a partition, optional headers. */
export interface PipelineRecord {
  readonly partition: number;
  readonly value: unknown;
  readonly headers?: Record<string, string>;
}

/** How a run builds the app and reaches its "broker". */
export interface PipelineHarness {
  readonly label: string;
  /** A fresh topic with `partitions` partitions. */
  freshTopic(prefix: string, partitions: number): Promise<string>;
  /** A fresh consumer group name. */
  freshGroupName(prefix: string): string;
  /** The Kafka module of the app (test kit or real), given the groups. */
  kafkaModule(options: Pick<KafkaModuleOptions, 'consumerGroups' | 'logLevel'>): DynamicModule;
  produce(topic: string, records: readonly PipelineRecord[]): Promise<void>;
  /** Committed next-offsets of a group on a topic, by partition. */
  committed(groupName: string, topic: string): Promise<Record<number, string>>;
  readonly timeoutMs: number;
}

// What every enhancer saw, in order; read by the assertions.
const trace: string[] = [];
const at = (what: string, n: unknown) => trace.push(`${what}#${String(n)}`);
type Flags = { n: number; skip?: string; badAt?: string; fail?: string };
const flagsOf = (context: ExecutionContext): Flags => (context.switchToRpc().getData() as KafkaMessage).json<Flags>();

class TagGuard implements CanActivate {
  constructor(private readonly tag: string) {}
  canActivate(context: ExecutionContext): boolean {
    const flags = flagsOf(context);
    at(`guard:${this.tag}:${context.getType()}`, flags.n);
    return flags.skip !== this.tag;
  }
}

class TagInterceptor implements NestInterceptor {
  constructor(private readonly tag: string) {}
  intercept(context: ExecutionContext, next: CallHandler) {
    const ctx = kafkaContextOf(context) as KafkaContext;
    at(`interceptor:${this.tag}:before`, ctx.message.json<Flags>().n);
    return next.handle().pipe(
      tap({
        next: (result) => at(`interceptor:${this.tag}:after=${String(result)}`, ctx.message.json<Flags>().n),
        error: (error: Error) => at(`interceptor:${this.tag}:error=${error.constructor.name}`, ctx.message.json<Flags>().n),
      }),
    );
  }
}

class TagPipe implements PipeTransform {
  constructor(private readonly tag: string) {}
  transform(value: unknown, metadata: ArgumentMetadata) {
    const flags = value as Flags;
    at(`pipe:${this.tag}:${metadata.type}`, flags.n);
    if (flags.badAt === this.tag) throw new Error(`pipe ${this.tag} refuses ${flags.n}`);
    return value;
  }
}

class MethodError extends Error {}
class ClassError extends Error {}
class GlobalError extends Error {}
class PassedOnError extends Error {}
const errorsByName: Record<string, new (message: string) => Error> = { MethodError, ClassError, GlobalError, PassedOnError };

@Catch(MethodError, PassedOnError)
class MethodFilter implements ExceptionFilter {
  catch(error: Error, host: ExecutionContext) {
    at(`filter:method:${host.getType()}:${error.constructor.name}`, (kafkaContextOf(host) as KafkaContext).offset);
    if (error instanceof PassedOnError) throw error;
  }
}

@Catch(ClassError)
class ClassFilter implements ExceptionFilter {
  catch(error: Error) {
    at(`filter:class:${error.constructor.name}`, '');
  }
}

@Catch(GlobalError)
class GlobalFilter implements ExceptionFilter {
  catch(error: Error) {
    at(`filter:global:${error.constructor.name}`, '');
  }
}

/** Every enhancer kind on the class, on the method, on a parameter and (APP_*) globally. */
@Injectable()
@UseGuards(new TagGuard('class'))
@UseInterceptors(new TagInterceptor('class'))
@UsePipes(new TagPipe('class'))
@UseFilters(new ClassFilter())
class LevelsHandler {
  @KafkaHandler({ group: 'levels' })
  @UseGuards(new TagGuard('method'))
  @UseInterceptors(new TagInterceptor('method'))
  @UsePipes(new TagPipe('method'))
  @UseFilters(new MethodFilter())
  async handle(@Payload(new TagPipe('param')) flags: Flags, @KafkaCtx() ctx: KafkaContext, @WorkerId() workerId: number): Promise<string> {
    at(`handler:${ctx.topic === undefined ? '?' : 'ctx'}:${workerId > 0 ? 'worker' : '?'}`, flags.n);
    if (flags.fail) throw new errorsByName[flags.fail]!(`handler fails ${flags.n}`);
    return `done-${flags.n}`;
  }
}

class OrderDto {
  @IsString()
  id!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

/** A DTO checked by ValidationPipe (transform: a class instance arrives), and a header. */
@Injectable()
class OrdersHandler {
  readonly orders: Array<{ order: OrderDto; tenant: string | undefined }> = [];

  @KafkaHandler({ group: 'orders' })
  @UsePipes(new ValidationPipe({ transform: true }))
  async handle(@Payload() order: OrderDto, @Header('tenant') tenant?: string): Promise<void> {
    this.orders.push({ order, tenant });
  }
}

/** Two topics of one group, one method each; order per partition is recorded. */
@Injectable()
class RoutedHandler {
  readonly seen: Array<{ topic: string; partition: number; n: number; method: string }> = [];

  @KafkaHandler({ group: 'routed', topic: 'PLACEHOLDER-A' })
  async onA(@Payload('n') n: number, @KafkaCtx() ctx: KafkaContext): Promise<void> {
    // A little wait so records of one partition would overtake each other if ordering were lost.
    await new Promise((resolve) => setImmediate(resolve));
    this.seen.push({ topic: ctx.topic, partition: ctx.partition, n, method: 'onA' });
  }

  @KafkaHandler({ group: 'routed', topic: 'PLACEHOLDER-B' })
  async onB(flags: KafkaMessage, _workerId: number, message: KafkaMessage): Promise<void> {
    this.seen.push({ topic: message.topic, partition: message.partition, n: flags.json<Flags>().n, method: 'onB' });
  }
}

/** Registers the shared cases under one `describe`. */
export function pipelineCases(h: PipelineHarness): void {
  describe(`Nest pipeline (${h.label})`, () => {
    let app: INestApplicationContext;
    let topics: { levels: string; orders: string; a: string; b: string };
    let groupNames: { levels: string; orders: string; routed: string };
    const errors: Record<string, KafkaError[]> = { levels: [], orders: [], routed: [] };

    before(async () => {
      topics = {
        levels: await h.freshTopic('levels', 1),
        orders: await h.freshTopic('orders', 1),
        a: await h.freshTopic('routed-a', 3),
        b: await h.freshTopic('routed-b', 1),
      };
      groupNames = { levels: h.freshGroupName('levels'), orders: h.freshGroupName('orders'), routed: h.freshGroupName('routed') };
      // The routed topics are only known now: point the decorators at them.
      retargetTopic(RoutedHandler, 'onA', topics.a);
      retargetTopic(RoutedHandler, 'onB', topics.b);
      const consumerGroups: Record<string, KafkaConsumerGroupOptions> = {
        levels: { topic: topics.levels, groupName: groupNames.levels },
        orders: { topic: topics.orders, groupName: groupNames.orders },
        routed: { topic: [topics.a, topics.b], groupName: groupNames.routed, numWorkers: 3 },
      };
      const moduleRef = await Test.createTestingModule({
        imports: [h.kafkaModule({ consumerGroups, logLevel: 'nothing' })],
        providers: [
          LevelsHandler,
          OrdersHandler,
          RoutedHandler,
          { provide: APP_GUARD, useValue: new TagGuard('global') },
          { provide: APP_INTERCEPTOR, useValue: new TagInterceptor('global') },
          { provide: APP_PIPE, useValue: new TagPipeForLevelsOnly() },
          { provide: APP_FILTER, useValue: new GlobalFilter() },
        ],
      }).compile();
      app = await moduleRef.init();
      for (const name of Object.keys(errors)) {
        app.get<KafkaConsumerGroup>(getConsumerGroupToken(name)).errors.on((e) => errors[name]!.push(e));
      }
    });
    after(async () => {
      await app?.close();
    });

    it('runs guards, interceptors and pipes global → class → method (→ parameter), with context type "kafka"', async () => {
      trace.length = 0;
      await h.produce(topics.levels, [{ partition: 0, value: { n: 1 } }]);
      await waitUntil('record 1 handled', () => trace.includes('interceptor:global:after=done-1#1'), h.timeoutMs);
      assert.deepEqual(
        trace.filter((t) => t.endsWith('#1')),
        [
          'guard:global:kafka#1',
          'guard:class:kafka#1',
          'guard:method:kafka#1',
          'interceptor:global:before#1',
          'interceptor:class:before#1',
          'interceptor:method:before#1',
          'pipe:global:body#1',
          'pipe:class:body#1',
          'pipe:method:body#1',
          'pipe:param:body#1',
          'handler:ctx:worker#1',
          'interceptor:method:after=done-1#1',
          'interceptor:class:after=done-1#1',
          'interceptor:global:after=done-1#1',
        ],
      );
    });

    it('skips a record a guard refuses: not handled, counted, committed', async () => {
      trace.length = 0;
      const stats = app.get(KafkaHandlerStats);
      const before = stats.skippedByGuard('levels');
      await h.produce(topics.levels, [
        { partition: 0, value: { n: 2, skip: 'class' } },
        { partition: 0, value: { n: 3, skip: 'global' } },
        { partition: 0, value: { n: 4 } },
      ]);
      await waitUntil('record 4 handled', () => trace.includes('handler:ctx:worker#4'), h.timeoutMs);
      assert.equal(stats.skippedByGuard('levels') - before, 2);
      assert.ok(!trace.includes('handler:ctx:worker#2') && !trace.includes('handler:ctx:worker#3'), trace.join(', '));
      assert.ok(!trace.includes('guard:method:kafka#2'), 'guards after the refusing one do not run');
      await waitUntil('offset 4 committed', async () => (await h.committed(groupNames.levels, topics.levels))[0] === '4', h.timeoutMs);
      assert.deepEqual(errors.levels, []);
    });

    it('lets the nearest matching filter handle an error (commit), and passes on what a filter rethrows', async () => {
      trace.length = 0;
      await h.produce(topics.levels, [
        { partition: 0, value: { n: 5, fail: 'MethodError' } },
        { partition: 0, value: { n: 6, fail: 'ClassError' } },
        { partition: 0, value: { n: 7, fail: 'GlobalError' } },
        { partition: 0, value: { n: 8, fail: 'PassedOnError' } },
      ]);
      await waitUntil('offset 8 committed', async () => (await h.committed(groupNames.levels, topics.levels))[0] === '8', h.timeoutMs);
      assert.deepEqual(
        trace.filter((t) => t.startsWith('filter:')),
        [
          'filter:method:kafka:MethodError#4',
          'filter:class:ClassError#',
          'filter:global:GlobalError#',
          'filter:method:kafka:PassedOnError#7',
        ],
      );
      // Interceptors see the handler's error before any filter does.
      assert.deepEqual(
        trace.filter((t) => t.endsWith('#5') && t.includes(':error=')),
        ['interceptor:method:error=MethodError#5', 'interceptor:class:error=MethodError#5', 'interceptor:global:error=MethodError#5'],
      );
      assert.equal(errors.levels.length, 1, errors.levels.map(String).join('\n'));
      assert.ok(errors.levels[0] instanceof MessageHandlerError);
      assert.ok(errors.levels[0].cause instanceof PassedOnError);
    });

    it('turns a pipe failure into a NonRetryableError on the group error path (committed as the default policy does)', async () => {
      errors.levels.length = 0;
      trace.length = 0;
      await h.produce(topics.levels, [{ partition: 0, value: { n: 9, badAt: 'param' } }]);
      await waitUntil('pipe failure reported', () => errors.levels.length === 1, h.timeoutMs);
      const reported = errors.levels[0]!;
      assert.ok(reported.cause instanceof NonRetryableError, String(reported.cause));
      assert.match(reported.cause.message, /a pipe rejected the payload of LevelsHandler\.handle: pipe param refuses 9/);
      assert.ok(!trace.includes('handler:ctx:worker#9'));
      await waitUntil('offset 9 committed', async () => (await h.committed(groupNames.levels, topics.levels))[0] === '9', h.timeoutMs);
    });

    it('validates a DTO with ValidationPipe: a valid payload arrives as the class, an invalid one is a NonRetryableError', async () => {
      const handler = app.get(OrdersHandler);
      await h.produce(topics.orders, [
        { partition: 0, value: { id: 'o-1', quantity: 2 }, headers: { tenant: 't-1' } },
        { partition: 0, value: { id: 'o-2', quantity: 0 } },
        { partition: 0, value: { id: 'o-3', quantity: 1 } },
      ]);
      await waitUntil('o-3 handled', () => handler.orders.some((o) => o.order.id === 'o-3'), h.timeoutMs);
      assert.deepEqual(
        handler.orders.map((o) => o.order.id),
        ['o-1', 'o-3'],
      );
      assert.ok(handler.orders[0]!.order instanceof OrderDto);
      assert.equal(handler.orders[0]!.tenant, 't-1');
      assert.equal(errors.orders.length, 1);
      const cause = errors.orders[0]!.cause;
      assert.ok(cause instanceof NonRetryableError);
      assert.match(cause.message, /quantity must not be less than 1/);
      await waitUntil('offset 3 committed', async () => (await h.committed(groupNames.orders, topics.orders))[0] === '3', h.timeoutMs);
    });

    it('routes each topic of a group to its own method and keeps order per partition', async () => {
      const handler = app.get(RoutedHandler);
      const perPartition = 30;
      const recordsA: PipelineRecord[] = [];
      for (let n = 0; n < perPartition; n++) for (let p = 0; p < 3; p++) recordsA.push({ partition: p, value: { n } });
      await h.produce(topics.a, recordsA);
      await h.produce(topics.b, [{ partition: 0, value: { n: 100 } }]);
      await waitUntil('all routed records handled', () => handler.seen.length === recordsA.length + 1, h.timeoutMs);
      assert.ok(handler.seen.filter((s) => s.topic === topics.a).every((s) => s.method === 'onA'));
      assert.deepEqual(
        handler.seen.filter((s) => s.topic === topics.b).map((s) => [s.method, s.n]),
        [['onB', 100]],
      );
      for (let p = 0; p < 3; p++) {
        const ns = handler.seen.filter((s) => s.topic === topics.a && s.partition === p).map((s) => s.n);
        assert.deepEqual(ns, [...Array(perPartition).keys()], `partition ${p} out of order`);
      }
      assert.deepEqual(errors.routed, []);
    });
  });
}

// The global pipe only acts on the levels records (the others are not Flags).
class TagPipeForLevelsOnly extends TagPipe {
  constructor() {
    super('global');
  }
  override transform(value: unknown, metadata: ArgumentMetadata) {
    return typeof value === 'object' && value !== null && 'n' in value && !('quantity' in value) ? super.transform(value, metadata) : value;
  }
}

function retargetTopic(target: { prototype: object }, method: string, topic: string): void {
  const fn = (target.prototype as Record<string, object>)[method]!;
  const key = 'nestjs-kafka-channels:handler';
  const meta = Reflect.getMetadata(key, fn) as { group: string };
  Reflect.defineMetadata(key, { ...meta, topic }, fn);
}
