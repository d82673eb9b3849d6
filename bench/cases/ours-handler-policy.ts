import { runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';
import { ourConsumerAdapter } from '../ours-clients.js';

// This module: the single-handler case with a failure policy (retry, then dead-letter) that never
// fires: what a policy costs on the success path (issue 16).
runCaseProcess(async (params) => {
  const onError = { retry: { attempts: 3 }, then: 'deadLetter' } as const;
  await runConsumer(params, ourConsumerAdapter(params, false, { onError }), [
    `numWorkers ${params.workers}, onError ${JSON.stringify(onError)}, other settings default`,
  ]);
});
