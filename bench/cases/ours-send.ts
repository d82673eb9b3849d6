import { runCaseProcess } from '../case-main.js';
import { openOurProducer } from '../ours-clients.js';
import { runProduceCase } from '../produce-driver.js';

// This module: per-message `sendBytes()`, each awaited until acked (auto-batched underneath).
runCaseProcess(async (params) => {
  const producer = await openOurProducer(params);
  await runProduceCase(params, { kind: 'acked', send: (value) => producer.sendBytes(value), close: () => producer.close() }, [
    `lingerMs ${producer.config.lingerMs}, maxBatchBytes ${producer.config.maxBatchBytes}, maxInFlightBatches ${producer.config.maxInFlightBatches}`,
    ...(params.kafkajsEncoding ? ["kafkajs' own Produce request encoding"] : []),
  ]);
});
