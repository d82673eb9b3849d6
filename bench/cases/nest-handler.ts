import 'reflect-metadata';
import {
  Injectable,
  Module,
  UseInterceptors,
  ValidationPipe,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type INestApplicationContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsNumberString } from 'class-validator';
import { tap } from 'rxjs';
import type { KafkaMessage } from '../../lib/core/message.js';
import { KafkaHandler, KafkaModule, Message } from '../../lib/index.js';
import { runCaseProcess } from '../case-main.js';
import { runConsumer, type OnHandled } from '../consume-driver.js';
import type { CaseParams } from '../protocol.js';

/** The bench record's send stamp, as a DTO for ValidationPipe. */
class StampDto {
  @IsNumberString()
  stamp!: string;
}

/** A custom parameter decorator: the first 17 bytes of the value (the send stamp). */
const Stamp = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const message = context.switchToRpc().getData<KafkaMessage>();
  return { stamp: message.value?.toString('latin1', 0, 17) ?? '' };
});

/** What a logging interceptor does, minus the I/O: time the call and see its outcome. */
class TimingInterceptor implements NestInterceptor {
  calls = 0;
  totalMs = 0;
  intercept(_context: ExecutionContext, next: CallHandler) {
    const started = performance.now();
    this.calls++;
    return next.handle().pipe(tap({ complete: () => (this.totalMs += performance.now() - started) }));
  }
}

function benchModule(params: CaseParams, onHandled: OnHandled, withEnhancers: boolean): Type<unknown> {
  const kafka = KafkaModule.forRoot({
    brokers: [...params.brokers],
    logLevel: 'nothing',
    kafkaJsLogLevel: 'nothing',
    consumerGroups: { bench: { topic: params.topic, groupName: params.groupId, numWorkers: params.workers } },
  });

  @Injectable()
  class PlainHandler {
    @KafkaHandler({ group: 'bench' })
    async handle(@Message() message: KafkaMessage): Promise<void> {
      const pending = onHandled(message.value);
      if (pending) await pending;
    }
  }

  @Injectable()
  class EnhancedHandler {
    @KafkaHandler({ group: 'bench' })
    @UseInterceptors(new TimingInterceptor())
    async handle(
      @Message() message: KafkaMessage,
      @Stamp(new ValidationPipe({ validateCustomDecorators: true, expectedType: StampDto })) _stamp: StampDto,
    ): Promise<void> {
      const pending = onHandled(message.value);
      if (pending) await pending;
    }
  }

  @Module({ imports: [kafka], providers: [withEnhancers ? EnhancedHandler : PlainHandler] })
  class BenchModule {}
  return BenchModule;
}

// This module's Nest layer: a decorated @KafkaHandler (parameter decorators), with no enhancer or
// with an interceptor and a ValidationPipe on a DTO.
runCaseProcess(async (params) => {
  const withEnhancers = params.name.includes('pipeline');
  let app: INestApplicationContext | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createApplicationContext(benchModule(params, onHandled, withEnhancers), { logger: false });
      },
      close: async () => app?.close(),
    },
    [
      withEnhancers
        ? `@KafkaHandler with @Message() and a custom @Stamp() DTO through ValidationPipe, one interceptor; numWorkers ${params.workers}`
        : `@KafkaHandler with @Message(), no enhancer; numWorkers ${params.workers}`,
    ],
  );
});
