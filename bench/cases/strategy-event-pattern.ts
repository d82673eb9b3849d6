import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { silentLogger } from '../../lib/core/logger.js';
import { KafkaChannelsServer } from '../../lib/nest/microservices/index.js';
import { runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';
import { eventPatternModule } from '../event-pattern-module.js';

// An unchanged `@EventPattern` controller on this module's transport strategy (KafkaChannelsServer).
runCaseProcess(async (params) => {
  let app: INestMicroservice | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        app = await NestFactory.createMicroservice(eventPatternModule(params.topic, onHandled), {
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
