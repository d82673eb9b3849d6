import 'reflect-metadata';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { runCaseProcess } from '../case-main.js';
import { runConsumer, type OnHandled } from '../consume-driver.js';

/** A Nest module with one controller whose `@EventPattern` handler listens on `topic`. */
function eventModule(topic: string, onHandled: OnHandled): Type<unknown> {
  @Controller()
  class BenchEventController {
    @EventPattern(topic)
    async handle(@Payload() data: unknown): Promise<void> {
      const pending = onHandled(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
      if (pending) await pending;
    }
  }
  @Module({ controllers: [BenchEventController] })
  class BenchEventModule {}
  return BenchEventModule;
}

// The `@nestjs/microservices` Kafka transport (kafkajs `eachMessage` underneath, auto-commit).
runCaseProcess(async (params) => {
  let app: INestMicroservice | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createMicroservice<MicroserviceOptions>(eventModule(params.topic, onHandled), {
          transport: Transport.KAFKA,
          options: {
            client: { clientId: 'bench-nest', brokers: [...params.brokers], logLevel: logLevel.NOTHING },
            consumer: { groupId: params.groupId },
            subscribe: { fromBeginning: true },
            postfixId: '',
          },
          logger: false,
        });
        await app.listen();
      },
      close: async () => app?.close(),
    },
    ['@nestjs/microservices 12 ServerKafka, @EventPattern handler, kafkajs defaults'],
  );
});
