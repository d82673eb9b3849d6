import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { kafkaJsGroupOver } from './kafkajs-group-stub.js';

/**
 * Guard for the retry topics' due gate (`retry-topics/due-gate.ts`). It cuts a batch before the
 * first record not yet due, leaves that record unresolved, pauses the partition and resumes it
 * when the record is due. That is only right if kafkajs 2.2.4's `ConsumerGroup.fetch`: (1) asks
 * nothing for a paused partition, (2) drops a paused partition's data from a fetch already under
 * way, and (3) after the resume fetches from the first unresolved offset (last resolved + 1), not
 * from the end of the batch it handed over. These tests drive kafkajs' own `fetch` over a scripted
 * broker and fail if any of that changes.
 */

const require = createRequire(import.meta.url);

interface SubscriptionState {
  assign(partitions: Array<{ topic: string; partitions: number[] }>): void;
  pause(partitions: Array<{ topic: string; partitions: number[] }>): void;
  resume(partitions: Array<{ topic: string; partitions: number[] }>): void;
}
interface OffsetManager {
  committedOffsets(): Record<string, Record<number, string>>;
  resolveOffset(entry: { topic: string; partition: number; offset: string }): void;
}
interface Batch {
  readonly topic: string;
  readonly partition: number;
  readonly fetchedOffset: string;
}
interface ConsumerGroup {
  fetch(nodeId: number): Promise<Batch[]>;
}

const SubscriptionStateCtor = require('kafkajs/src/consumer/subscriptionState.js') as new () => SubscriptionState;
const OffsetManagerCtor = require('kafkajs/src/consumer/offsetManager/index.js') as new (options: Record<string, unknown>) => OffsetManager;

const TOPIC = 'orders.retry-1000';
const NODE = 1;

interface FetchRequest {
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string }> }>;
}

/** kafkajs' consumer group with the parts `fetch` uses: real subscription state and offsets, a scripted broker. */
function scriptedGroup(onFetch: (request: FetchRequest) => void = () => {}) {
  const requests: FetchRequest[] = [];
  const subscriptionState = new SubscriptionStateCtor();
  subscriptionState.assign([{ topic: TOPIC, partitions: [0, 1] }]);
  const offsetManager = new OffsetManagerCtor({ cluster: {}, memberAssignment: { [TOPIC]: [0, 1] }, topicConfigurations: [] });
  offsetManager.committedOffsets()[TOPIC]![0] = '5';
  offsetManager.committedOffsets()[TOPIC]![1] = '0';
  const broker = {
    fetch: async (request: FetchRequest) => {
      requests.push(request);
      onFetch(request);
      return {
        responses: request.topics.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map(({ partition }) => ({
            partition,
            errorCode: 0,
            highWatermark: '100',
            lastStableOffset: '100',
            abortedTransactions: [],
            messages: [],
          })),
        })),
      };
    },
  };
  const group = kafkaJsGroupOver<ConsumerGroup>({ broker, subscriptionState, offsetManager, nodeId: NODE });
  const asked = (partition: number) =>
    requests
      .at(-1)
      ?.topics.flatMap((t) => t.partitions)
      .find((p) => p.partition === partition)?.fetchOffset;
  return { group, subscriptionState, offsetManager, requests, asked };
}

test('kafkajs fetch: a paused partition is not asked for, and after the resume it is fetched from the first unresolved offset', async () => {
  const { group, subscriptionState, offsetManager, requests, asked } = scriptedGroup();

  // Records 5..9 were handed over; 5 and 6 handled and resolved; 7 was not due (left unresolved).
  offsetManager.resolveOffset({ topic: TOPIC, partition: 0, offset: '6' });
  subscriptionState.pause([{ topic: TOPIC, partitions: [0] }]);
  let batches = await group.fetch(NODE);
  assert.equal(asked(0), undefined, 'a paused partition must not be fetched');
  assert.equal(asked(1), '0', 'other partitions keep being fetched');
  assert.deepEqual(
    batches.map((b) => b.partition),
    [1],
  );

  subscriptionState.resume([{ topic: TOPIC, partitions: [0] }]);
  batches = await group.fetch(NODE);
  assert.equal(asked(0), '7', 'after the resume kafkajs must fetch from the last resolved offset + 1');
  assert.equal(batches.find((b) => b.partition === 0)?.fetchedOffset, '7');
  assert.equal(requests.length, 2);
});

test('kafkajs fetch: data of a partition paused while the fetch was under way is dropped', async () => {
  let pauseDuringFetch = true;
  const scripted = scriptedGroup(() => {
    if (pauseDuringFetch) scripted.subscriptionState.pause([{ topic: TOPIC, partitions: [0] }]);
  });
  const batches = await scripted.group.fetch(NODE);
  assert.equal(scripted.asked(0), '5', 'the partition was asked for before the pause');
  assert.deepEqual(
    batches.map((b) => b.partition),
    [1],
    'its answer must be dropped once paused',
  );
  pauseDuringFetch = false;
});

test('kafkajs fetch: with every partition paused nothing is fetched', async () => {
  const { group, subscriptionState, requests } = scriptedGroup();
  subscriptionState.pause([{ topic: TOPIC, partitions: [0, 1] }]);
  assert.deepEqual(await group.fetch(NODE), []);
  assert.equal(requests.length, 0);
});
