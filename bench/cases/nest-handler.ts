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

type Variant = 'decorated' | 'positional' | 'pipeline';

function benchModule(params: CaseParams, onHandled: OnHandled, variant: Variant): Type<unknown> {
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
  class PositionalHandler {
    @KafkaHandler({ group: 'bench' })
    async handle(message: KafkaMessage): Promise<void> {
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

  const handler = { decorated: PlainHandler, positional: PositionalHandler, pipeline: EnhancedHandler }[variant];
  @Module({ imports: [kafka], providers: [handler] })
  class BenchModule {}
  return BenchModule;
}

const NOTES: Record<Variant, string> = {
  decorated: '@KafkaHandler with @Message(), no enhancer',
  positional: '@KafkaHandler without parameter decorators (positional call), no enhancer',
  pipeline: '@KafkaHandler with @Message() and a custom @Stamp() DTO through ValidationPipe, one interceptor',
};

// This module's Nest layer: a @KafkaHandler with parameter decorators and no enhancer, the same
// without parameter decorators (the positional call: what a Nest app costs by itself), or with an
// interceptor and a ValidationPipe on a DTO. The variant is read from the case name.
runCaseProcess(async (params) => {
  const variant: Variant = params.name.includes('pipeline') ? 'pipeline' : params.name.includes('positional') ? 'positional' : 'decorated';
  let app: INestApplicationContext | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createApplicationContext(benchModule(params, onHandled, variant), { logger: false });
      },
      close: async () => app?.close(),
    },
    [`${NOTES[variant]}; numWorkers ${params.workers}`],
  );
});
