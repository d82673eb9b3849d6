import { randomUUID } from 'node:crypto';
import { rawClient, runCaseProcess } from '../case-main.js';
import { rawKafkaJsCodec } from '../compression.js';
import { runProduceCase } from '../produce-driver.js';

// Raw kafkajs baseline: large `producer.sendBatch()` calls, acks=1 (the best kafkajs can do).
// With `requestIdHeader`, every record also carries a `request-id` header as this module's do,
// which separates the cost of that header from the cost of the module's batching. A compressed
// case registers this module's codecs with kafkajs and sends with that codec.
runCaseProcess(async (params) => {
  const producer = rawClient(params, 'bench-raw-send-batch').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const requestId = randomUUID();
  const compression = rawKafkaJsCodec(params.compression);
  const toMessage = params.requestIdHeader
    ? (value: Buffer) => ({ value, headers: { 'request-id': requestId } })
    : (value: Buffer) => ({ value });
  await runProduceCase(
    params,
    {
      kind: 'batch',
      sendBatch: (values) =>
        producer.sendBatch({ acks: 1, compression, topicMessages: [{ topic: params.topic, messages: values.map(toMessage) }] }),
      close: () => producer.disconnect(),
    },
    [
      ...(params.requestIdHeader ? ['every record has a 36-character request-id header'] : []),
      ...(params.compression === 'none' ? [] : [`${params.compression} (kafkajs encoder, this module's codecs registered)`]),
    ],
  );
});
