import { runCaseProcess } from '../case-main.js';
import { openOurProducer } from '../ours-clients.js';
import { runProduceCase } from '../produce-driver.js';

// This module: per-message `sendBytes()` with nobody awaiting the promise (fire-and-forget).
runCaseProcess(async (params) => {
  const producer = await openOurProducer(params);
  let failures = 0;
  producer.errors.on(() => failures++);
  await runProduceCase(
    params,
    {
      kind: 'fire-and-forget',
      send: (value) => void producer.sendBytes(value),
      close: async () => {
        await producer.close({ timeout: 120_000 });
        if (failures > 0) throw new Error(`${failures} fire-and-forget sends failed`);
      },
    },
    [`lingerMs ${producer.config.lingerMs}, maxBatchBytes ${producer.config.maxBatchBytes}, maxInFlightBatches ${producer.config.maxInFlightBatches}`],
  );
});
