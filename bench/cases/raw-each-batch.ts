import type { Consumer } from 'kafkajs';
import { rawClient, runCaseProcess } from '../case-main.js';
import { runConsumer } from '../consume-driver.js';

// Raw kafkajs baseline: `eachBatch`, resolving each offset, auto-commit on.
runCaseProcess(async (params) => {
  let consumer: Consumer | undefined;
  await runConsumer(
    params,
    {
      async start(onHandled) {
        consumer = rawClient(params, 'bench-raw-each-batch').consumer({ groupId: params.groupId });
        await consumer.connect();
        await consumer.subscribe({ topics: [params.topic], fromBeginning: true });
        await consumer.run({
          // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes closures, typed as methods
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            for (const message of batch.messages) {
              const pending = onHandled(message.value);
              if (pending) await pending;
              resolveOffset(message.offset);
            }
            await heartbeat();
          },
        });
      },
      close: async () => consumer?.disconnect(),
    },
    ['kafkajs defaults, autoCommit on'],
  );
});
