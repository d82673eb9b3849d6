import { rawClient, runCaseProcess } from '../case-main.js';
import { runProduceCase } from '../produce-driver.js';

// Raw kafkajs baseline: one `producer.send()` per record, acks=1, awaited by each caller.
runCaseProcess(async (params) => {
  const producer = rawClient(params, 'bench-raw-send').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await runProduceCase(params, {
    kind: 'acked',
    send: (value) => producer.send({ topic: params.topic, acks: 1, messages: [{ value }] }),
    close: () => producer.disconnect(),
  });
});
