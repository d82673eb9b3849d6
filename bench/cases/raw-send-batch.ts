import { rawClient, runCaseProcess } from '../case-main.js';
import { runProduceCase } from '../produce-driver.js';

// Raw kafkajs baseline: large `producer.sendBatch()` calls, acks=1 (the best kafkajs can do).
runCaseProcess(async (params) => {
  const producer = rawClient(params, 'bench-raw-send-batch').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await runProduceCase(params, {
    kind: 'batch',
    sendBatch: (values) =>
      producer.sendBatch({ acks: 1, topicMessages: [{ topic: params.topic, messages: values.map((value) => ({ value })) }] }),
    close: () => producer.disconnect(),
  });
});
