import { runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';
import { ourConsumerAdapter } from '../ours-clients.js';

// This module: KafkaConsumerGroup batch handler, `params.batchSize` records per call.
runCaseProcess(async (params) => {
  await runConsumer(params, ourConsumerAdapter(params, true), [
    `batchSize ${params.batchSize}, other settings default (batchWaitTime 200 ms)`,
  ]);
});
