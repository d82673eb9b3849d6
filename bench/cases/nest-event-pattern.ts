import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';
import { eventPatternModule } from '../event-pattern-module.js';

// The `@nestjs/microservices` Kafka transport (kafkajs `eachMessage` underneath, auto-commit).
runCaseProcess(async (params) => {
  let app: INestMicroservice | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createMicroservice<MicroserviceOptions>(eventPatternModule(params.topic, onHandled), {
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
