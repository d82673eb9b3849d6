import type { Consumer } from 'kafkajs';
import { rawClient, runCaseProcess } from '../case-main.js';
import { rawKafkaJsCodec } from '../compression.js';
import { runConsumer } from '../consume-driver.js';

// Raw kafkajs baseline: `eachMessage` with auto-commit; `partitionsConsumedConcurrently` = workers.
// On a compressed backlog kafkajs decompresses with this module's codecs, registered here.
runCaseProcess(async (params) => {
  rawKafkaJsCodec(params.compression);
  let consumer: Consumer | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        consumer = rawClient(params, 'bench-raw-each-message').consumer({ groupId: params.groupId });
        await consumer.connect();
        await consumer.subscribe({ topics: [params.topic], fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: params.workers,
          eachMessage: async ({ message }) => {
            const pending = onHandled(message.value);
            if (pending) await pending;
          },
        });
      },
      close: async () => consumer?.disconnect(),
    },
    [`kafkajs defaults, autoCommit on, partitionsConsumedConcurrently ${params.workers}`],
  );
});
