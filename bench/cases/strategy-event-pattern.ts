import 'reflect-metadata';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { silentLogger } from '../../lib/core/logger.js';
import { KafkaChannelsServer } from '../../lib/nest/microservices/index.js';
import { runCaseProcess } from '../case-main.js';
import { runConsumer, type OnHandled } from '../consume-driver.js';

/** The same controller as the built-in transport's case: one `@EventPattern` handler on `topic`. */
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

// An unchanged `@EventPattern` controller on this module's transport strategy (KafkaChannelsServer).
runCaseProcess(async (params) => {
  let app: INestMicroservice | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createMicroservice(eventModule(params.topic, onHandled), {
          strategy: new KafkaChannelsServer({
            brokers: [...params.brokers],
            clientId: 'bench-strategy',
            logger: silentLogger,
            kafkaJsLogLevel: 'nothing',
            group: { groupName: params.groupId, numWorkers: params.workers },
          }),
          logger: false,
        });
        await app.listen();
      },
      close: async () => app?.close(),
    },
    [`KafkaChannelsServer, @EventPattern handler, numWorkers ${params.workers}`],
  );
});
