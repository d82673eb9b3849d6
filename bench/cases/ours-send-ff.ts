import { runCaseProcess } from '../case-main.js';
import { openOurProducer } from '../ours-clients.js';
import { runProduceCase } from '../produce-driver.js';

// This module: per-message `sendBytes()` with nobody awaiting the promise (fire-and-forget).
// The whole run is queued at once, so the queue limit (`maxQueuedBytes`, 64 MiB by default, which
// refuses a flood instead of growing memory) is sized for the run: the case measures throughput.
runCaseProcess(async (params) => {
  const perRecordBytes = params.recordBytes + 128; // value + request-id header and record overhead
  const producer = await openOurProducer(params, { maxQueuedBytes: Math.max(64 * 1024 * 1024, 2 * params.messages * perRecordBytes) });
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
    [
      `lingerMs ${producer.config.lingerMs}, maxBatchBytes ${producer.config.maxBatchBytes}, maxInFlightBatches ${producer.config.maxInFlightBatches}`,
      ...(params.compression === 'none' ? [] : [`compression ${params.compression}`]),
    ],
  );
});
