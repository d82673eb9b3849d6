import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import {
  fetchFailedPartitions,
  installKafkaJsFetchAttribution,
  undecodablePartitions,
} from '../../../lib/core/consumer/kafkajs-fetch-attribution.js';
import { kafkaJsGroupOver } from './kafkajs-group-stub.js';

/**
 * Guard for `kafkajs-fetch-attribution.ts`: drives kafkajs 2.2.4's own Fetch response codec (the
 * one its broker looks up per request), its record batch encoder and its ConsumerGroup.fetch, and
 * fails if kafkajs stops throwing a bare error for a failing partition (then the attribution may be
 * redundant), changes the Fetch v4-v11 layout the walk reads, or starts swallowing or wrapping the
 * error before it leaves `ConsumerGroup.fetch` (where the transport isolates the partition).
 */

const require = createRequire(import.meta.url);

interface Codec {
  decode(raw: Buffer): Promise<{ responses: Array<{ topicName: string; partitions: Array<{ partition: number }> }> }>;
  parse(data: unknown): Promise<unknown>;
}
const fetchDefinition = require('kafkajs/src/protocol/requests/fetch/index.js') as {
  protocol: (args: { version: number }) => (fields: Record<string, unknown>) => { response: Codec };
};
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {
  writeInt16(v: number): unknown;
  writeInt32(v: number): unknown;
  writeInt64(v: number): unknown;
  writeString(v: string): unknown;
  writeBytes(v: Buffer): unknown;
  buffer: Buffer;
};
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => unknown;

const TOPIC = 'orders';
/** Where a record batch keeps its attributes (after base offset, length, leader epoch, magic and CRC). */
const ATTRIBUTES_OFFSET = 21;
const LZ4 = 3;

async function recordBatch(codec: 'none' | 'lz4'): Promise<Buffer> {
  const encoded = await RecordBatch({ records: [Record({ value: Buffer.from('hello') })] });
  const batch = Buffer.from(encoded.buffer);
  batch.writeInt16BE(codec === 'lz4' ? LZ4 : 0, ATTRIBUTES_OFFSET); // what an lz4 producer writes; kafkajs has no lz4 codec
  return batch;
}

/** A Fetch v11 response body: partition 0 readable, partition 1 in a codec kafkajs cannot decode. */
async function fetchV11Response(): Promise<Buffer> {
  const e = new Encoder();
  e.writeInt32(0); // throttle time
  e.writeInt16(0); // error code
  e.writeInt32(0); // session id
  e.writeInt32(1); // topics
  e.writeString(TOPIC);
  e.writeInt32(2); // partitions
  for (const [partition, codec] of [
    [0, 'none'],
    [1, 'lz4'],
  ] as const) {
    e.writeInt32(partition);
    e.writeInt16(0);
    e.writeInt64(1); // high watermark
    e.writeInt64(1); // last stable offset
    e.writeInt64(0); // log start offset
    e.writeInt32(0); // aborted transactions
    e.writeInt32(-1); // preferred read replica
    e.writeBytes(await recordBatch(codec));
  }
  return e.buffer;
}

const codecOf = (version: number) => fetchDefinition.protocol({ version })({ topics: [], maxWaitTime: 100 }).response;

test('kafkajs Fetch v11: an undecodable batch rejects decode with no partition named; the attribution names it', async () => {
  const raw = await fetchV11Response();
  const original = await codecOf(11)
    .decode(raw)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  assert.ok(original instanceof Error, 'kafkajs decoded an lz4 batch: it may have a codec now, re-check the attribution');
  assert.equal((original as { partition?: unknown }).partition, undefined, 'kafkajs names the partition itself now');
  assert.deepEqual(await undecodablePartitions(raw, 11), [{ topic: TOPIC, partition: 1 }]);

  assert.notEqual(installKafkaJsFetchAttribution(), 'unavailable');
  const error = await codecOf(11)
    .decode(raw)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(error instanceof Error);
  assert.match(error.message, /LZ4/i, "the error is kafkajs' own");
  assert.deepEqual(fetchFailedPartitions(error), [{ topic: TOPIC, partition: 1 }]);
});

test('kafkajs Fetch: a partition error code rejects parse with a bare protocol error; the attribution names every partition with that code', async () => {
  installKafkaJsFetchAttribution();
  const data = {
    responses: [
      {
        topicName: TOPIC,
        partitions: [
          { partition: 0, errorCode: 0, messages: [] },
          { partition: 1, errorCode: 29, messages: [] }, // TOPIC_AUTHORIZATION_FAILED
          { partition: 2, errorCode: 29, messages: [] },
        ],
      },
    ],
  };
  const error = await codecOf(11)
    .parse(data)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.equal((error as { type?: unknown }).type, 'TOPIC_AUTHORIZATION_FAILED');
  assert.equal((error as { partition?: unknown }).partition, undefined, 'kafkajs names the partition itself now');
  assert.deepEqual(fetchFailedPartitions(error), [
    { topic: TOPIC, partition: 1 },
    { topic: TOPIC, partition: 2 },
  ]);
  assert.equal(fetchFailedPartitions(new Error('other')), undefined);
});

test("kafkajs ConsumerGroup.fetch rethrows a fetch error it cannot recover from, unchanged (the transport's wrapper reads it there)", async () => {
  const SubscriptionState = require('kafkajs/src/consumer/subscriptionState.js') as new () => { assign(p: unknown[]): void };
  const OffsetManager = require('kafkajs/src/consumer/offsetManager/index.js') as new (o: Record<string, unknown>) => {
    committedOffsets(): Record<string, Record<number, string>>;
  };
  installKafkaJsFetchAttribution();
  const thrown = await codecOf(11)
    .parse({ responses: [{ topicName: TOPIC, partitions: [{ partition: 0, errorCode: 29, messages: [] }] }] })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  const subscriptionState = new SubscriptionState();
  subscriptionState.assign([{ topic: TOPIC, partitions: [0] }]);
  const offsetManager = new OffsetManager({ cluster: {}, memberAssignment: { [TOPIC]: [0] }, topicConfigurations: [] });
  offsetManager.committedOffsets()[TOPIC]![0] = '0';
  const broker = {
    fetch: async () => {
      throw thrown;
    },
  };
  const group = kafkaJsGroupOver<{ fetch(nodeId: number): Promise<unknown> }>({ broker, subscriptionState, offsetManager, nodeId: 1 });
  const error = await group.fetch(1).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.equal(error, thrown, 'kafkajs recovered from, swallowed or wrapped the error: re-check the transport wrapper');
  assert.deepEqual(fetchFailedPartitions(error), [{ topic: TOPIC, partition: 0 }]);
});
