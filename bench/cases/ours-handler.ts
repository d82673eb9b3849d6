import { runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';
import { ourConsumerAdapter } from '../ours-clients.js';

// This module: KafkaConsumerGroup single handler with `params.workers` workers.
runCaseProcess(async (params) => {
  await runConsumer(params, ourConsumerAdapter(params, false), [`numWorkers ${params.workers}, other settings default`]);
});
